/**
 * A `Connection` over a transport that is not a Node socket: everything a
 * connection does (framing, half-close, backpressure, unwrap) comes from the
 * connection, not from `node:net`.
 */
import { lines } from '@sluice/codec';
import { fromTransport } from '@sluice/connection/transport';
import { describe, expect, it } from 'vitest';
import { memoryPair } from './support/memory-transport.js';

describe('a Connection over an in-memory transport', () => {
  it('echoes framed lines, half-closes, and ends both sides cleanly', async () => {
    const [a, b] = memoryPair();
    const client = fromTransport(a);
    const server = fromTransport(b);
    const echoed = (async () => {
      const io = server.framed(lines());
      for await (const line of io) await io.write(`echo ${line}`);
      await io.close();
    })();
    const io = client.framed(lines());
    const sent = Array.from({ length: 200 }, (_, i) => `line ${i}`);
    await io.writeAll(sent);
    await io.closeWrite();
    const received: string[] = [];
    for await (const line of io) received.push(line);
    await echoed;
    expect(received).toEqual(sent.map((line) => `echo ${line}`));
    await Promise.all([client.closed, server.closed]);
    expect(client.counters.framesOut).toBe(200);
    expect(client.counters.bytesOut).toBe(server.counters.bytesIn);
  });

  it('holds an awaiting writer back while the peer does not read', async () => {
    const [a, b] = memoryPair(1024);
    const writer = fromTransport(a);
    const reader = fromTransport(b, { readCapacity: 4096 });
    let accepted = 0;
    const chunk = new Uint8Array(512);
    const writing = (async () => {
      for (let i = 0; i < 1000; i++) {
        await writer.write(chunk);
        accepted++;
      }
    })();
    // Let the transports move what they can, turn by turn, until nothing more moves.
    let last = -1;
    while (last !== accepted) {
      last = accepted;
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    }
    // The reader never read: at most its queue, its transport's receive buffer and the writer's bound got through.
    expect(accepted * chunk.byteLength).toBeLessThan(4096 + 1024 + 1024 + 3 * chunk.byteLength + 1);
    let read = 0;
    for await (const bytes of reader.reader({ keepOpen: true })) {
      read += bytes.byteLength;
      if (read === 1000 * chunk.byteLength) break;
    }
    await writing;
    expect(accepted).toBe(1000);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('closed: one promise, which resolves when the connection closes, even when first asked for after', async () => {
    const [a, b] = memoryPair();
    const early = fromTransport(a);
    const late = fromTransport(b);
    const asked = early.closed;
    let settled = false;
    void asked.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // open: not closed yet
    early.destroy();
    late.destroy();
    await asked;
    expect(early.closed).toBe(asked); // the same promise every time
    await new Promise((resolve) => setImmediate(resolve));
    await late.closed; // first asked for once closed: resolves too
    expect(late.closed).toBe(late.closed);
  });

  it('unwrap() gives back what the transport carries', () => {
    const [a] = memoryPair();
    expect(fromTransport(a).unwrap()).toBe('a');
  });

  it('refuses a transport that is not one, with ERR_INVALID_ARG', () => {
    expect(() => fromTransport({} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
  });
});
