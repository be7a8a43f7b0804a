/**
 * `@sluice/ws` over real loopback WebSockets, against Sluice's own peers and
 * plain `ws` ones: framing across messages, text and binary messages, close
 * codes, limits, backpressure and the listener's refusals.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { json, lengthPrefixed, lines } from '@sluice/codec';
import { connect, listen, messages } from '@sluice/ws';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { arbitraryCuts, concatBytes, encodeAll, rechunk } from '../../../test-support/chunking.js';
import { ProcessGuard } from '../../../test-support/process-guard.js';

const runs = Number(process.env.FC_NUM_RUNS ?? 10);
const url = (port: number | undefined, path = '') => `ws://127.0.0.1:${port}${path}`;

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

  it('closeWrite() is safe without half-close: every message written first arrives, then the loop of the peer ends', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const received = new Promise<string[]>((resolve) => {
      void listener.serve(async (conn) => {
        const got: string[] = [];
        for await (const line of conn.framed(lines())) got.push(line);
        resolve(got);
      });
    });
    await using conn = await connect(url(listener.port));
    const io = conn.framed(lines());
    await io.writeAll(['a', 'b', 'c']);
    await io.closeWrite();
    expect(await received).toEqual(['a', 'b', 'c']);
    expect(await io.read()).toBeUndefined(); // a WebSocket closes both ways: nothing more comes
  });

  it('a message over maxPayload closes with 1009: ERR_WS_MESSAGE_TOO_BIG on both sides, the listener carries on', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, maxPayload: 1024 });
    let serverError!: (error: unknown) => void;
    const serverSaw = new Promise<unknown>((resolve) => (serverError = resolve));
    void listener.serve(
      async (conn) => {
        for await (const _ of conn) {
          // read until the oversized message ends it
        }
      },
      { onError: (error) => serverError(error) },
    );
    await using big = await connect(url(listener.port));
    await big.write(new Uint8Array(4096));
    await expect(big[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'ERR_WS_MESSAGE_TOO_BIG',
      closeCode: 1009,
    });
    // The server's side learns it on its own turn: wait for it, whatever the order.
    expect(await serverSaw).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG' });
    await using small = await connect(url(listener.port));
    await small.write(new Uint8Array(10));
    expect(small.destroyed).toBe(false);
  });

  it('a writer facing a peer that stopped reading is held back: memory stays bounded', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    let accepted = 0;
    const done = new AbortController();
    void listener.serve(async (conn) => {
      const chunk = new Uint8Array(16 * 1024);
      try {
        for (let i = 0; i < 4096 && !done.signal.aborted; i++) {
          await conn.write(chunk, { signal: done.signal });
          accepted++;
        }
      } catch {
        // aborted below
      }
    });
    const raw = new WebSocket(url(listener.port));
    await once(raw, 'open');
    raw.pause(); // a browser tab that stopped reading
    let last = -1;
    while (last !== accepted) {
      last = accepted;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // 64 MiB were offered; what got through is the socket buffers and ws's bound, a few MiB at most.
    expect(accepted * 16 * 1024).toBeLessThan(16 * 1024 * 1024);
    done.abort();
    raw.terminate();
  });

  it('refuses upgrades on another path (404), from a refused origin (403), and past maxConnections (503)', async () => {
    await using listener = await listen({
      host: '127.0.0.1',
      port: 0,
      path: '/chat',
      maxConnections: 1,
      origin: (origin) => origin === undefined || origin === 'https://good.example',
    });
    const status = (path: string, headers: Record<string, string> = {}) =>
      new Promise<number | 'open'>((resolve) => {
        const ws = new WebSocket(url(listener.port, path), { headers });
        ws.once('open', () => {
          ws.terminate();
          resolve('open');
        });
        ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        ws.once('error', () => {});
      });
    expect(await status('/other')).toBe(404);
    expect(await status('/chat', { origin: 'https://evil.example' })).toBe(403);
    const client = await connect(url(listener.port, '/chat'), { headers: { origin: 'https://good.example' } });
    const held = await listener.accept();
    expect(await status('/chat')).toBe(503);
    expect(listener.counters).toMatchObject({ accepted: 1, refused: 3 });
    held?.destroy();
    client.destroy();
  });

  it('attaches to an http server it does not own: HTTP requests are still served, and close() leaves the server up', async () => {
    const server = http.createServer((_request, response) => response.end('plain http'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const listener = await listen({ server, path: '/ws' });
    void listener.serve(async (conn) => {
      const io = conn.framed(lines());
      for await (const line of io) await io.write(line.toUpperCase());
    });
    await using conn = await connect(url(port, '/ws'));
    const io = conn.framed(lines());
    await io.write('hi');
    expect(await io.read()).toBe('HI');
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('plain http');
    await conn.close();
    await listener.close();
    expect(server.listening).toBe(true);
    await new Promise((resolve) => server.close(resolve));
  });

  it('two listeners share one http server on different paths', async () => {
    const server = http.createServer((_request, response) => response.end('plain http'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const listeners = await Promise.all(['/a', '/b'].map((path) => listen({ server, path })));
    for (const [i, listener] of listeners.entries()) {
      void listener.serve(async (conn) => {
        const io = conn.framed(lines());
        for await (const line of io) await io.write(`${'ab'[i]}:${line}`);
      });
    }
    for (const path of ['/a', '/b']) {
      await using conn = await connect(`http://127.0.0.1:${port}${path}`); // http: means ws:, as in browsers
      const io = conn.framed(lines());
      await io.write('hi');
      expect(await io.read()).toBe(`${path.slice(1)}:hi`);
    }
    await Promise.all(listeners.map((listener) => listener.close()));
    await new Promise((resolve) => server.close(resolve));
  });

  it('the heartbeat leaves alone a live client whose server only writes (its socket paused, its pongs unread)', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, heartbeat: 30 });
    const stop = new AbortController();
    void listener.serve(async (conn) => {
      try {
        while (!stop.signal.aborted) {
          await conn.write('tick\n', { signal: stop.signal });
          await new Promise((resolve) => setImmediate(resolve)); // a tick at a time, not a busy loop
        }
      } catch {
        // stopped, or the connection went
      }
    });
    await using conn = await connect(url(listener.port));
    // Read for ten heartbeat periods: a live client must not be shed meanwhile.
    const until = Date.now() + 300;
    for await (const _ of conn.reader({ keepOpen: true })) if (Date.now() > until) break;
    expect(listener.counters.unresponsive).toBe(0);
    expect(conn.destroyed).toBe(false);
    stop.abort();
    conn.destroy(); // the server never reads, so it would not see a close frame: end at once
  });

  it('an abort while binding rejects with ABORT_ERR and leaves nothing listening', async () => {
    const controller = new AbortController();
    const listening = listen({ host: '127.0.0.1', port: 0, signal: controller.signal });
    controller.abort();
    await expect(listening).rejects.toMatchObject({ code: 'ABORT_ERR' });
  });

  it('the heartbeat sheds a peer that stopped answering pings', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, heartbeat: 50 });
    const outcome = new Promise<unknown>((resolve) => {
      void listener.serve(async (conn) => {
        try {
          for await (const _ of conn) {
            // a silent peer: nothing arrives
          }
          resolve('ended');
        } catch (error) {
          resolve(error);
        }
      });
    });
    const silent = new WebSocket(url(listener.port), { autoPong: false });
    await once(silent, 'open');
    expect(await outcome).toMatchObject({ code: 'ERR_WS_ABNORMAL_CLOSE' });
    expect(listener.counters.unresponsive).toBe(1);
    silent.terminate();
  });

  it('close(code, reason) sends them: the reader of the peer gets ERR_WS_CLOSED with that code and reason', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    void listener.serve(async (conn) => {
      await expect(conn.close(1001 as number, 'x')).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      await conn.close(4001, 'session expired');
    });
    await using conn = await connect(url(listener.port));
    await expect(conn[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'ERR_WS_CLOSED',
      closeCode: 4001,
      reason: 'session expired',
    });
  });

  it('serves wss: with tls options, and offers subprotocols', async () => {
    const fixture = (name: string) => readFileSync(new URL(`../../net/test/fixtures/${name}`, import.meta.url));
    await using listener = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: { key: fixture('server.key'), cert: fixture('server.crt') },
    });
    void listener.serve(async (conn) => {
      const io = conn.framed(lines());
      for await (const line of io) await io.write(`secure ${line}`);
    });
    await using conn = await connect(`wss://localhost:${listener.port}`, {
      tls: { ca: fixture('ca.crt') },
      protocols: ['chat.v1'],
    });
    const io = conn.framed(lines());
    await io.write('hello');
    expect(await io.read()).toBe('secure hello');
    await expect(connect(`wss://localhost:${listener.port}`)).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('contains a checkServerIdentity that throws: connect() rejects with what it threw', async () => {
    const guard = new ProcessGuard();
    const fixture = (name: string) => readFileSync(new URL(`../../net/test/fixtures/${name}`, import.meta.url));
    await using listener = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: { key: fixture('server.key'), cert: fixture('server.crt') },
    });
    const failed = new Error('identity check failed');
    const checkServerIdentity = () => {
      throw failed;
    };
    await expect(
      connect(`wss://localhost:${listener.port}`, { tls: { ca: fixture('ca.crt'), checkServerIdentity } }),
    ).rejects.toBe(failed);
    // The process is alive and the next client connects.
    await using conn = await connect(`wss://localhost:${listener.port}`, { tls: { ca: fixture('ca.crt') } });
    expect(conn.destroyed).toBe(false);
    expect(await guard.stop()).toEqual([]);
  });

  it('refuses bad arguments with coded errors before connecting', async () => {
    await expect(connect('ftp://127.0.0.1:1')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(connect(5 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(connect('not a url')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(connect('ws://127.0.0.1:1', { protocols: 5 as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
    });
    await expect(listen({ port: 70000 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(connect('ws://127.0.0.1:1', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORT_ERR',
    });
    await expect(connect('ws://127.0.0.1:1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await using listener = await listen({ host: '127.0.0.1', port: 0, path: '/only' });
    await expect(connect(url(listener.port, '/elsewhere'))).rejects.toMatchObject({
      code: 'ERR_WS_UPGRADE_REFUSED',
      status: 404,
    });
  });
});
