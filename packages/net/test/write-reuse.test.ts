/**
 * Once `write()` resolves, the caller may reuse its buffer: what was written
 * is what arrives, on every transport, whether the write was gathered with
 * others (small), handed to the socket by reference (large), or held by a
 * socket whose peer was not reading yet.
 */
import { lengthPrefixed } from '@sluice/codec';
import { bind, type Connection, connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { readAll } from './support/read-all.js';
import { ipc, secure, tcp } from './support/transports.js';

const BLOCKS = 1000;

/** Which blocks of `size` bytes in `bytes` are not all `i % 256`, block `i` being the i-th written. */
function wrongBlocks(bytes: Uint8Array, size: number): number[] {
  expect(bytes.length).toBe(BLOCKS * size);
  const wrong: number[] = [];
  for (let i = 0; i < BLOCKS; i++) {
    const block = bytes.subarray(i * size, (i + 1) * size);
    if (block.some((byte) => byte !== i % 256)) wrong.push(i);
  }
  return wrong;
}

/**
 * Writes `BLOCKS` blocks through `write`, refilling one buffer after each
 * resolved write, and returns once all are written. `stalled` is called the
 * first time a write has to wait (the socket holds the caller's bytes then).
 */
async function writeReusing(size: number, write: (bytes: Uint8Array) => Promise<void>, stalled: () => void) {
  const buffer = new Uint8Array(size);
  for (let i = 0; i < BLOCKS; i++) {
    buffer.fill(i % 256);
    let settled = false;
    const written = write(buffer).finally(() => (settled = true));
    await Promise.resolve();
    if (!settled) stalled();
    await written;
  }
}

describe.each([tcp, ipc, secure])('over $name, a resolved write has taken the bytes', (transport) => {
  it.each([
    ['small writes, gathered', 64],
    ['writes of 1 KiB', 1024],
    ['large writes, passed by reference', 40 * 1024],
  ])('%s arrive as they were when written', async (_, size) => {
    await using listener = await listen(transport.listenOptions());
    let startReading!: () => void;
    const readerHeldBack = new Promise<void>((resolve) => (startReading = resolve));
    const received = (async () => {
      const conn = (await listener.accept()) as Connection;
      await readerHeldBack; // the peer reads nothing until a write has had to wait, or all are written
      const bytes = await readAll(conn);
      await conn.close();
      return bytes;
    })();
    await using conn = await connect(transport.connectOptions(listener));
    await writeReusing(size, (bytes) => conn.write(bytes), startReading);
    startReading();
    await conn.closeWrite();
    expect(wrongBlocks(await received, size)).toEqual([]);
  });

  it('framed writes too: the frame given to io.write() may be reused once it resolves', async () => {
    await using listener = await listen(transport.listenOptions());
    const received = (async () => {
      const conn = (await listener.accept()) as Connection;
      const frames: Uint8Array[] = [];
      for await (const frame of conn.framed(lengthPrefixed())) frames.push(frame);
      await conn.close();
      return frames;
    })();
    await using conn = await connect(transport.connectOptions(listener));
    const io = conn.framed(lengthPrefixed());
    await writeReusing(
      100,
      (bytes) => io.write(bytes),
      () => {},
    );
    await conn.closeWrite();
    const frames = await received;
    expect(frames).toHaveLength(BLOCKS);
    expect(frames.flatMap((frame, i) => (frame.every((byte) => byte === i % 256) ? [] : [i]))).toEqual([]);
  });
});

describe('over UDP, a resolved send has taken the bytes', () => {
  it('every datagram arrives as it was when sent', async () => {
    await using receiver = await bind({ host: '127.0.0.1', port: 0, capacity: BLOCKS });
    await using sender = await bind({ host: '127.0.0.1', port: 0 });
    let ended = false;
    const received = (async () => {
      const wrong: number[] = [];
      let count = 0;
      for await (const { data } of receiver) {
        if (data.length === 1) break; // the end
        // Datagrams may be lost, never changed: each is whole and one value throughout.
        if (data.length !== 512 || data.some((byte) => byte !== data[0])) wrong.push(count);
        count++;
      }
      ended = true;
      return { count, wrong };
    })();
    const buffer = new Uint8Array(512);
    for (let i = 0; i < 200; i++) {
      buffer.fill(i % 256);
      await sender.send(buffer, receiver.address);
    }
    // The end marker may be lost like any datagram: repeat it, a turn of the event loop apart, until it arrives.
    while (!ended) {
      await sender.send(new Uint8Array(1), receiver.address);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { count, wrong } = await received;
    expect(count).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });
});
