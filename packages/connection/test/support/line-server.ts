/**
 * A line server on real loopback sockets (node:net, so a test can stop it
 * and listen again on the same port): it records the lines each connection
 * sends, in order, and echoes each one back.
 */
import { once } from 'node:events';
import net from 'node:net';

/** A loopback port nothing listens on (it was free a moment ago). */
export { freePort } from '../../../../test-support/free-port.js';

export interface LineServer {
  readonly port: number;
  /** The lines received, one array per connection, in the order connections were accepted. */
  readonly received: string[][];
  /** Every line received, connection after connection. */
  lines(): string[];
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 at `port` (0: any free port). */
export async function startLineServer(port = 0): Promise<LineServer> {
  const sockets = new Set<net.Socket>();
  const received: string[][] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const mine: string[] = [];
    received.push(mine);
    let rest = '';
    socket.setEncoding('utf8').on('data', (text: string) => {
      const parts = (rest + text).split('\n');
      rest = parts.pop() as string;
      for (const line of parts) {
        mine.push(line);
        socket.write(`${line}\n`);
      }
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    lines: () => received.flat(),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
