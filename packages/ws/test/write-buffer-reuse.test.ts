/**
 * Once `await conn.write(buf)` resolves, the caller's bytes are safe to
 * reuse: refilling the same buffer for the next message corrupts nothing that
 * was sent, and writing never alters the buffer (a client masks its frames,
 * which must not happen in the caller's bytes). Over real loopback, client to
 * server and server to client, with small and large messages, and with
 * compression (which reads the bytes later).
 */
import type { Connection } from '@sluice/connection';
import { connect, listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { signal, within } from '../../../test-support/waits.js';
import { OP, parseFrames, rawWebSocket } from './support/peers.js';

const COUNT = 1000;

/** Whether every byte of `bytes` is `value`. */
function filledWith(bytes: Uint8Array, value: number): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(Buffer.alloc(bytes.byteLength, value));
}

/**
 * Writes COUNT messages from one buffer per size, refilled with the message's index before each write,
 * while the other end reads them; returns the messages whose buffer write() altered, and those that did
 * not arrive as written. The reader starts once a write has to wait (or all are written): until then the
 * socket fills up, so that messages are queued behind others, where reusing their buffer could harm them.
 */
async function transfer(from: Connection, to: Connection, sizes: readonly number[]) {
  const started = signal();
  const write = async () => {
    const buffers = new Map(sizes.map((size) => [size, new Uint8Array(size)]));
    const altered: number[] = [];
    for (let i = 0; i < COUNT; i++) {
      const buf = buffers.get(sizes[i % sizes.length] as number) as Uint8Array;
      buf.fill(i % 256);
      const written = from.write(buf);
      if (!(await resolvedAtOnce(written))) started.resolve();
      await written;
      if (!filledWith(buf, i % 256)) altered.push(i);
    }
    started.resolve();
    return altered;
  };
  const read = async () => {
    await started.promise;
    const corrupt: number[] = [];
    let i = 0;
    for await (const chunk of to.reader({ keepOpen: true })) {
      if (chunk.byteLength !== sizes[i % sizes.length] || !filledWith(chunk, i % 256)) corrupt.push(i);
      if (++i === COUNT) break;
    }
    expect(i).toBe(COUNT);
    return corrupt;
  };
  const [altered, corrupt] = await within(Promise.all([write(), read()]), 20_000, 'the transfer');
  return { altered, corrupt };
}

/** Whether `written` had resolved already: then it settles before a promise resolved after it (microtasks run in order). */
function resolvedAtOnce(written: Promise<void>): Promise<boolean> {
  return Promise.race([written.then(() => true), Promise.resolve().then(() => false)]);
}

/** A listener and both ends of one connection to it. */
async function pair(perMessageDeflate: boolean) {
  const listener = await listen({ host: '127.0.0.1', port: 0, perMessageDeflate });
  const accepted = listener.accept();
  const client = await connect(`ws://127.0.0.1:${listener.port}/`, { perMessageDeflate });
  const server = await within(accepted, 5000, 'the connection');
  if (server === undefined) throw new Error('the listener closed');
  return { listener, client, server };
}

const cases: [string, readonly number[]][] = [
  ['64-byte messages', [64]],
  ['64 B, 4 KiB and 64 KiB messages in turn', [64, 4096, 64 * 1024]],
];

describe('a buffer is safe to reuse once write() resolves', () => {
  for (const perMessageDeflate of [false, true]) {
    for (const [name, sizes] of cases) {
      const label = `${name}${perMessageDeflate ? ', compressed' : ''}`;

      it(`client to server: ${label}`, { timeout: 30_000 }, async () => {
        const { listener, client, server } = await pair(perMessageDeflate);
        expect(await transfer(client, server, sizes)).toEqual({ altered: [], corrupt: [] });
        await Promise.all([client.close(), server.close(), listener.close()]);
      });

      it(`server to client: ${label}`, { timeout: 30_000 }, async () => {
        const { listener, client, server } = await pair(perMessageDeflate);
        expect(await transfer(server, client, sizes)).toEqual({ altered: [], corrupt: [] });
        await Promise.all([client.close(), server.close(), listener.close()]);
      });
    }
  }

  it('server to a client that does not read: 64-byte messages written until the socket is full, then more', {
    timeout: 30_000,
  }, async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const accepted = listener.accept();
    const { socket, head } = await rawWebSocket(listener.port as number);
    await using conn = await within(accepted, 5000, 'the connection');
    if (conn === undefined) throw new Error('the listener closed');
    const received: Buffer[] = [head];
    socket.on('data', (chunk: Buffer) => received.push(chunk)); // paused since the handshake, until a write waits
    const buf = new Uint8Array(64);
    const altered: number[] = [];
    let total = 0;
    // Past what the kernel holds, messages queue in the process: until the first write that waits, and COUNT more.
    for (let i = 0, more = -1; more !== 0 && i < 1_000_000; i++, more--) {
      buf.fill(i % 256);
      const written = conn.write(buf);
      if (!(await resolvedAtOnce(written)) && more < 0) {
        more = COUNT;
        socket.resume();
      }
      await written;
      if (!filledWith(buf, i % 256)) altered.push(i);
      total = i + 1;
    }
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await conn.close();
    await within(closed, 10_000, 'the peer to close');
    const messages = parseFrames(Buffer.concat(received)).filter((frame) => frame.opcode === OP.binary);
    expect(messages.length).toBe(total);
    const corrupt = messages.flatMap((frame, i) => (filledWith(frame.payload, i % 256) ? [] : [i]));
    expect({ altered, corrupt: corrupt.length }).toEqual({ altered: [], corrupt: 0 });
  });
});
