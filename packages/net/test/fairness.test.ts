/**
 * One connection never starves the others: a loop of writes the socket takes
 * at once, or of reads served from a full queue, lets the event loop run
 * (timers, other connections) every so many operations, as tokio's budget does.
 * The fast reader is a Python process, so that it is never starved itself.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { lines } from '@sluice/codec';
import { connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { within } from '../../../test-support/waits.js';
import { OPERATIONS_PER_TURN } from '../../connection/src/internal/budget.js';
import { portOf, rawClient } from './support/peers.js';

const skip = process.env.SLUICE_SKIP_PYTHON === '1';

/** A Python client that says `hello`, then reads and discards everything until the end; resolves with the byte count. */
function fastReader(port: number, hello: string): Promise<number> {
  const script = [
    'import socket, sys',
    `s = socket.create_connection(("127.0.0.1", ${port}))`,
    `s.sendall(${JSON.stringify(`${hello}\n`)}.encode())`,
    'n = 0',
    'while True:',
    '    d = s.recv(1 << 20)',
    '    if not d: break',
    '    n += len(d)',
    'print(n)',
  ].join('\n');
  const child = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return once(child, 'exit').then(() => Number(out));
}

/** Counts turns of the event loop (check phases) until stopped. */
function turnCounter() {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turns() {
      return turns;
    },
    stop: () => void (running = false),
  };
}

describe.skipIf(skip)('fairness', () => {
  it('a handler writing to a fast reader as fast as it can lets timers and another client run', async () => {
    const LIMIT = 2_000_000; // far more than the test needs; reached only if nothing else ever ran
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    let floodStarted!: () => void;
    const flooding = new Promise<void>((resolve) => (floodStarted = resolve));
    let stop = false;
    let written = 0;
    const served = listener.serve(async (conn) => {
      const io = conn.framed(lines());
      const hello = await io.read();
      if (hello !== 'flood') return void (await io.write(`echo ${hello}`));
      floodStarted();
      while (!stop && written < LIMIT) {
        await io.write('a line of some 48 bytes, as a chat server sends');
        written++;
      }
    });
    const reader = fastReader(portOf(listener), 'flood');
    await flooding;
    // While the flood runs: a 10 ms timer fires three times, and another client's echo comes back.
    let fired = 0;
    const timerRan = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (++fired < 3) return;
        clearInterval(timer);
        resolve();
      }, 10);
    });
    const echoed = (async () => {
      await using conn = await connect(listener.address);
      const io = conn.framed(lines());
      await io.write('ping');
      return await io.read();
    })();
    await timerRan;
    expect(await echoed).toBe('echo ping');
    stop = true;
    expect(written).toBeLessThan(LIMIT); // the flood was still going
    await listener.close();
    await served;
    expect(await within(reader, 10_000, 'the reader to finish')).toBeGreaterThan(0);
  });

  it('a reader draining a full queue lets the event loop run while it does', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, readCapacity: 64 * 1024 });
    const accepted = listener.accept();
    const peer = await rawClient(listener);
    const conn = (await accepted)!;
    const io = conn.framed(lines());
    const burst = 'x\n'.repeat(32 * 1024); // 32,768 lines, 64 KiB: a full queue
    peer.write(burst);
    expect(await io.read()).toBe('x'); // reading has begun: the rest arrives and queues
    while (conn.counters.bytesIn < burst.length) await new Promise((resolve) => setImmediate(resolve));
    const counter = turnCounter();
    let lines_ = 1;
    while (lines_ < 32 * 1024) {
      await io.read();
      lines_++;
    }
    counter.stop();
    // Without a budget the whole queue is drained on microtasks alone: no turn at all.
    expect(counter.turns).toBeGreaterThanOrEqual(Math.floor((32 * 1024) / OPERATIONS_PER_TURN) - 1);
    peer.destroy();
    conn.destroy();
  });
});
