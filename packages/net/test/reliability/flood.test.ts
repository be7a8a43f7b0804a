/**
 * Backpressure against peers that do not play along: a peer in another
 * process floods 256 MiB into a slow Sluice consumer, and a peer that stops
 * reading faces a Sluice writer. Memory must stay within the high-water marks,
 * and nothing may be lost once the slow side catches up.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { lengthPrefixed } from '@sluice/codec';
import { listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '../../../../test-support/chunking.js';
import { handlesSettleTo, socketHandles } from '../../../../test-support/handles.js';
import { received } from '../../../../test-support/raw-sockets.js';
import { signal, stillPending, within } from '../../../../test-support/waits.js';
import { MemoryPeak } from '../support/memory.js';
import { portOf, rawClient } from '../support/peers.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * The flooding peer, a plain Node script in its own process (so that its
 * buffers are not counted as ours): frames of `frameSize` bytes, each a
 * 4-byte length then a 4-byte sequence number, written as fast as the kernel
 * takes them. Prints how often the kernel made it wait.
 */
const FLOODER = `
const net = require('node:net');
const [port, total, frameSize] = process.argv.slice(1).map(Number);
const perWrite = 16;
const batch = Buffer.alloc(frameSize * perWrite);
const socket = net.connect({ port, host: '127.0.0.1' });
let sent = 0, waits = 0;
function pump() {
  while (sent < total) {
    for (let f = 0, index = sent / frameSize; f < perWrite; f++) {
      batch.writeUInt32BE(frameSize - 4, f * frameSize);
      batch.writeUInt32BE(index + f, f * frameSize + 4);
    }
    sent += batch.length;
    if (!socket.write(Buffer.from(batch))) return (waits++, socket.once('drain', pump));
  }
  socket.end(() => console.log(JSON.stringify({ sent, waits })));
}
socket.on('connect', pump);
socket.on('error', (error) => { console.error(error.message); process.exit(1); });
`;

describe('a peer that floods a slow consumer', () => {
  it('256 MiB into a slow framed reader: bytes held stay within the high-water mark, memory flat, every frame in order', async () => {
    const baseline = socketHandles();
    const total = 256 * MiB;
    const frameSize = 4 * KiB;
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const child = spawn(process.execPath, ['-e', FLOODER, String(portOf(listener)), String(total), String(frameSize)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let report = '';
    child.stdout.on('data', (chunk: Buffer) => (report += chunk));
    const exited = once(child, 'exit');
    const conn = (await listener.accept())!;
    await listener.close();

    const io = conn.framed(lengthPrefixed());
    const memory = await MemoryPeak.start();
    let index = 0;
    let consumed = 0;
    let maxHeld = 0;
    for await (const frame of io) {
      const sequence = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0);
      if (sequence !== index || frame.byteLength !== frameSize - 4)
        throw new Error(`frame ${index} arrived as ${sequence}`);
      index++;
      consumed += frameSize;
      // Received from the kernel but not yet consumed: the connection's queue, the socket's buffer, a partial frame.
      maxHeld = Math.max(maxHeld, conn.counters.bytesIn - consumed);
      if (index % 16 === 0) await new Promise((resolve) => setImmediate(resolve)); // the slow part: yield per 64 KiB
      if (index % 4096 === 0) await memory.sample(); // every 16 MiB
    }
    await conn.close(); // the peer, having ended, closes once this side has too
    await exited;
    const { sent, waits } = JSON.parse(report) as { sent: number; waits: number };
    console.log(
      `flood: ${sent / MiB} MiB, ${index} frames; peer made to wait ${waits} times; held at most ${(maxHeld / KiB).toFixed(0)} KiB; ` +
        `growth after gc: ${memory}`,
    );
    expect(child.exitCode).toBe(0);
    expect(index * frameSize).toBe(total); // nothing lost, nothing reordered (checked frame by frame)
    expect(waits).toBeGreaterThan(0); // the consumer was the slow side: TCP held the peer back
    // readCapacity (64 KiB), plus the reads (64 KiB each) the socket takes before it pauses.
    expect(maxHeld).toBeLessThanOrEqual(512 * KiB);
    expect(memory.arrayBuffers).toBeLessThan(4 * MiB);
    expect(memory.rss).toBeLessThan(64 * MiB); // the allocator keeps some freed pages: a fraction of the 256 MiB
    expect(await handlesSettleTo(baseline)).toBe(baseline);
  }, 60_000);
});

describe('a peer that stops reading', () => {
  it('an awaiting writer is held within the high-water marks, then everything arrives in order once the peer reads', async () => {
    const baseline = socketHandles();
    const codec = lengthPrefixed();
    const frames = 4096;
    const payload = 16 * KiB; // 64 MiB in all: far more than the kernel and Node buffer between them
    const blocked = signal<number>();
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(async (conn) => {
      const io = conn.framed(codec);
      let isBlocked = false;
      for (let i = 0; i < frames; i++) {
        const frame = new Uint8Array(payload);
        new DataView(frame.buffer).setUint32(0, i);
        const written = io.write(frame);
        if (!isBlocked && (await stillPending(written))) {
          isBlocked = true;
          blocked.resolve(i * (payload + 4));
        }
        await written;
      }
    });
    const raw = await rawClient(listener); // no 'data' listener: it reads nothing
    const accepted = await within(blocked.promise, 10_000, 'the writer blocking');
    console.log(`stopped reader: the writer was held after ${(accepted / MiB).toFixed(2)} MiB of 64 MiB`);
    expect(accepted).toBeLessThan(16 * MiB);
    const all = received(raw); // the peer reads again
    const { bytes, outcome } = await all;
    expect(outcome).toBe('end');
    const got = decodeAll(codec, [bytes]);
    expect(got).toHaveLength(frames);
    got.forEach((frame, i) => {
      if (new DataView(frame.buffer, frame.byteOffset).getUint32(0) !== i) throw new Error(`frame ${i} out of order`);
    });
    await listener.close();
    await served;
    expect(await handlesSettleTo(baseline)).toBe(baseline);
  }, 30_000);
});
