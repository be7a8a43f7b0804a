/**
 * `@sluice/ws` carrying messages over real loopback WebSockets, against
 * Sluice's own peers and plain `ws` ones: concurrent clients each get their own
 * JSON values back, frames of byte codecs may span messages, nothing sent the
 * moment a server accepts is lost, text codecs go as text messages and byte
 * codecs as binary, and a plain ws server is spoken to one value per message.
 */
import { once } from 'node:events';
import { json, lengthPrefixed, lines } from '@sluice/codec';
import { connect, listen, messages } from '@sluice/ws';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { arbitraryCuts, concatBytes, encodeAll, rechunk } from '../../../test-support/chunking.js';
import { url } from './support/echo.js';

const runs = Number(process.env.FC_NUM_RUNS ?? 10);

describe('@sluice/ws', () => {
  it('property: concurrent clients get exactly their own JSON values back, one per message', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(async (conn) => {
      const io = conn.framed(json({ framing: messages() }));
      for await (const value of io) await io.write(value);
    });
    const value = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(value, { maxLength: 12 }), { minLength: 1, maxLength: 30 }),
        async (clients) => {
          await Promise.all(
            clients.map(async (values) => {
              await using conn = await connect(url(listener.port));
              const io = conn.framed(json({ framing: messages() }));
              const echoed = (async () => {
                const got: unknown[] = [];
                for (let i = 0; i < values.length; i++) got.push(await io.read());
                return got;
              })();
              await io.writeAll(values);
              expect(await echoed).toEqual(values);
            }),
          );
        },
      ),
      { numRuns: runs },
    );
    await listener.close();
    await served;
  });

  it('property: lines and length-prefixed frames may span messages, cut anywhere', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(async (conn) => {
      const io = conn.framed(lengthPrefixed({ width: 2 }));
      for await (const frame of io) await io.write(frame);
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        arbitraryCuts(8),
        async (frames, cuts) => {
          await using conn = await connect(url(listener.port));
          const codec = lengthPrefixed({ width: 2 });
          // Raw writes: each piece is its own binary message, so frames straddle messages.
          for (const piece of rechunk(encodeAll(codec, frames), cuts)) await conn.write(piece);
          const io = conn.framed(codec);
          const got: Uint8Array[] = [];
          for (let i = 0; i < frames.length; i++) got.push((await io.read()) as Uint8Array);
          expect(concatBytes(got)).toEqual(concatBytes(frames));
          expect(got.map((frame) => frame.length)).toEqual(frames.map((frame) => frame.length));
        },
      ),
      { numRuns: runs },
    );
    await listener.close();
    await served;
  });

  it('a client gets the messages a server sends the moment it accepts, none lost', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    void listener.serve(async (conn) => {
      const io = conn.framed(json({ framing: messages() }));
      await io.writeAll(Array.from({ length: 100 }, (_, n) => ({ n })));
    });
    for (let round = 0; round < 10; round++) {
      await using conn = await connect(url(listener.port));
      const got: number[] = [];
      for await (const value of conn.framed(json<{ n: number }>({ framing: messages() }))) got.push(value.n);
      expect(got).toEqual(Array.from({ length: 100 }, (_, n) => n));
    }
  });

  it('sends text codecs as text messages and byte codecs as binary, to a plain ws client', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    void listener.serve(async (conn) => {
      await conn.framed(json({ framing: messages() })).write({ hello: 'browser' });
      await conn.framed(lines()).write('a line');
      await conn.framed(lengthPrefixed()).write(Uint8Array.of(1, 2, 3));
    });
    const ws = new WebSocket(url(listener.port));
    const received: { data: string; isBinary: boolean }[] = [];
    ws.on('message', (data, isBinary) => received.push({ data: String(data), isBinary }));
    await once(ws, 'close');
    expect(received.map((m) => m.isBinary)).toEqual([false, false, true]);
    expect(JSON.parse(received[0]?.data ?? '')).toEqual({ hello: 'browser' });
    expect(received[1]?.data).toBe('a line\n');
  });

  it('talks to a plain ws server: JSON values one per message, both ways', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    server.on('connection', (ws) =>
      ws.on('message', (data) => ws.send(JSON.stringify({ echo: JSON.parse(String(data)) }))),
    );
    const port = (server.address() as { port: number }).port;
    await using conn = await connect(url(port));
    const io = conn.framed(json<unknown>({ framing: messages() }));
    await io.write({ n: 1 });
    expect(await io.read()).toEqual({ echo: { n: 1 } });
    await conn.close();
    await new Promise((resolve) => server.close(resolve));
  });
});
