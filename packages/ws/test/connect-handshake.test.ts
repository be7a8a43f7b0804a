/**
 * A server that answers the opening handshake with 101 but breaks the
 * protocol (a wrong `Sec-WebSocket-Accept`, no `Upgrade: websocket`, a
 * subprotocol nobody offered) makes `connect()` reject with a coded
 * `WebSocketHandshakeError` (`ERR_WS_HANDSHAKE`), `ws`'s own error as its
 * cause.
 */
import { once } from 'node:events';
import net from 'node:net';
import { SluiceError } from '@sluice/core';
import { connect, WebSocketHandshakeError } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from './support/peers.js';

/** A raw TCP server that answers every request's head with `response`. */
async function answering(response: string): Promise<{ port: number; [Symbol.asyncDispose](): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) socket.write(response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    [Symbol.asyncDispose]: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n';

describe('connect() to a server that breaks the opening handshake', () => {
  const cases: [string, string, RegExp][] = [
    [
      'a wrong Sec-WebSocket-Accept',
      `${SWITCHING}Upgrade: websocket\r\nSec-WebSocket-Accept: d3Jvbmcga2V5IGZvciB0aGlzIGtleQ==\r\n\r\n`,
      /Sec-WebSocket-Accept/,
    ],
    ['no Upgrade: websocket', `${SWITCHING}Upgrade: h2c\r\n\r\n`, /Upgrade/],
  ];
  for (const [name, response, detail] of cases) {
    it(`${name}: ERR_WS_HANDSHAKE, with ws's error as the cause`, async () => {
      await using server = await answering(response);
      const url = `ws://127.0.0.1:${server.port}/`;
      const error = await rejectionOf(connect(url));
      expect(error).toBeInstanceOf(WebSocketHandshakeError);
      expect(error).toBeInstanceOf(SluiceError);
      expect(error).toMatchObject({
        code: 'ERR_WS_HANDSHAKE',
        message: expect.stringMatching(`^The server at ${url} answered the WebSocket handshake wrongly: `),
        cause: expect.objectContaining({ message: expect.stringMatching(detail) }),
      });
    });
  }
});
