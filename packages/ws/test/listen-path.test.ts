/**
 * `listen({ path })` matches what clients send: a path with non-ASCII
 * characters or spaces matches a client asking for that URL (which sends it
 * percent-encoded); a path no request can have (a query, a fragment, dot
 * segments, a leading `//`) is refused by `listen()`. On a server of the
 * user's, an upgrade for another path that nobody else would answer is
 * answered (404, or 400 for a target that is no path) and its socket closed,
 * and one that the user's own 'upgrade' listener handles is left to it.
 */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { connect, listen, messages, type WebSocketListener } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { within } from '../../../test-support/waits.js';

/** An upgrade request for `target` with the usual handshake headers. */
function upgrade(target: string): string {
  return (
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
  );
}

/** Sends `request` from a raw TCP peer; resolves with all the server wrote once the server has closed the socket. */
async function answer(port: number, request: string): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(request, 'latin1');
  let response = '';
  socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
  try {
    await within(
      once(socket, 'close'),
      5000,
      `the server answering and closing ${JSON.stringify(request.split(' ')[1])}`,
    );
  } finally {
    socket.destroy();
  }
  return response;
}

/** Status lines in a response. */
const statuses = (response: string) => response.split('\r\n').filter((line) => line.startsWith('HTTP/1.1 '));

async function echoListener(options: Parameters<typeof listen>[0]): Promise<WebSocketListener> {
  const listener = await listen(options);
  void listener.serve(async (conn) => {
    const io = conn.framed(messages());
    for await (const message of io) await io.write(message);
  });
  return listener;
}

async function echoes(url: string): Promise<void> {
  await using conn = await connect(url);
  const io = conn.framed(messages());
  await io.write(Uint8Array.of(1, 2, 3));
  expect([...((await within(io.read(), 5000, 'the echo')) ?? [])]).toEqual([1, 2, 3]);
}

async function httpServer(): Promise<{ server: http.Server; port: number; [Symbol.asyncDispose](): Promise<void> }> {
  const server = http.createServer((_request, response) => response.end('plain http'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    [Symbol.asyncDispose]: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('listen({ path })', () => {
  it('matches a client asking for a path with non-ASCII characters or spaces (sent percent-encoded)', async () => {
    for (const path of ['/café', '/a b', '/caf%C3%A9/chat']) {
      await using listener = await echoListener({ host: '127.0.0.1', port: 0, path });
      await echoes(`ws://127.0.0.1:${listener.port}${path}`);
    }
  });

  it('refuses a path no request can have: a query, a fragment, dot segments, a leading //', async () => {
    for (const path of ['/chat?x=1', '/chat?', '/chat#top', '/a/../b', '/a/./b', '/..', '/a/%2e%2e/b', '//chat']) {
      await expect(listen({ host: '127.0.0.1', port: 0, path }), path).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG',
        message: expect.stringMatching(/^listen\(\): path must .*, got "/),
      });
    }
    await expect(listen({ host: '127.0.0.1', port: 0, path: '/chat?x=1' })).rejects.toThrow(
      'listen(): path must be a path alone, without a query or fragment (requests are matched by their path), got "/chat?x=1"',
    );
  });
});

describe('listen({ server, path }) on a server of your own', () => {
  it('answers an upgrade for another path 404 (a target that is no path 400) and closes it, when nobody else would', async () => {
    await using web = await httpServer();
    await using _listener = await echoListener({ server: web.server, path: '/chat' });
    expect(statuses(await answer(web.port, upgrade('/other')))).toEqual(['HTTP/1.1 404 Not Found']);
    expect(statuses(await answer(web.port, upgrade('//[')))).toEqual(['HTTP/1.1 400 Bad Request']);
    await echoes(`ws://127.0.0.1:${web.port}/chat`);
  });

  it('with several listeners on one server: answered once, and each still takes its own path', async () => {
    await using web = await httpServer();
    await using _a = await echoListener({ server: web.server, path: '/a' });
    await using _b = await echoListener({ server: web.server, path: '/b' });
    expect(statuses(await answer(web.port, upgrade('/other')))).toEqual(['HTTP/1.1 404 Not Found']);
    await echoes(`ws://127.0.0.1:${web.port}/a`);
    await echoes(`ws://127.0.0.1:${web.port}/b`);
  });

  it("leaves an upgrade for another path to the server's own 'upgrade' listener", async () => {
    await using web = await httpServer();
    await using _listener = await echoListener({ server: web.server, path: '/chat' });
    web.server.on('upgrade', (request: http.IncomingMessage, socket: net.Socket) => {
      if (request.url !== '/chat') socket.end('HTTP/1.1 418 I am a teapot\r\nContent-Length: 0\r\n\r\n');
    });
    expect(statuses(await answer(web.port, upgrade('/other')))).toEqual(['HTTP/1.1 418 I am a teapot']);
    await echoes(`ws://127.0.0.1:${web.port}/chat`);
  });
});
