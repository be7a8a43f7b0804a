/**
 * `@sluice/ws`'s listen() over real loopback sockets: upgrades refused on
 * another path (404), from a refused origin (403) and past maxConnections
 * (503); attaching to an http server it does not own, alone or two listeners
 * on different paths; an abort while binding.
 */
import { once } from 'node:events';
import http from 'node:http';
import { lines } from '@sluice/codec';
import { connect, listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { url } from './support/echo.js';

describe('@sluice/ws', () => {
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

  it('an abort while binding rejects with ABORT_ERR and leaves nothing listening', async () => {
    const controller = new AbortController();
    const listening = listen({ host: '127.0.0.1', port: 0, signal: controller.signal });
    controller.abort();
    await expect(listening).rejects.toMatchObject({ code: 'ABORT_ERR' });
  });
});
