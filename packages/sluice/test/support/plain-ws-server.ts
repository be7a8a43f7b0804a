/**
 * Plain `ws` servers (a WebSocket peer Sluice did not write) on free
 * loopback ports, for the CLI's WebSocket tests: each treats its clients as
 * the test says, and is closed, its clients cut, after the test.
 */
import { once } from 'node:events';
import type net from 'node:net';
import { afterEach } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * `wsServer(onClient)`, which starts a plain `ws` server on a free loopback
 * port that treats each client with `onClient` and resolves with its URL;
 * every server it started is closed after each test. Call once at the top of
 * a test file.
 */
export function plainWsServers(): (onClient: (ws: WebSocket) => void) => Promise<string> {
  const servers: WebSocketServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** A plain `ws` server on a free loopback port that treats each client with `onClient`. */
  async function wsServer(onClient: (ws: WebSocket) => void): Promise<string> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    server.on('connection', (ws) => {
      ws.on('error', () => {}); // abrupt ends are the point of some tests
      onClient(ws);
    });
    await once(server, 'listening');
    return `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
  }
  return wsServer;
}
