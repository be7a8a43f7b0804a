/**
 * Peers Sluice did not write, for fault injection: plain `node:net` servers
 * and clients that can misbehave (reset, end mid-frame, stop reading, dribble
 * bytes). What such a peer saw is told by `test-support/raw-sockets.ts`; the
 * bounded waits are in `test-support/waits.ts`.
 */
import { once } from 'node:events';
import net from 'node:net';
import { type Listener, listen, type SocketAddress } from '@sluice/net';

/** A plain `node:net` server; every socket it accepts goes to `onSocket`. */
export interface RawServer {
  readonly port: number;
  readonly address: { host: string; port: number };
  /** Destroys every accepted socket and closes the server. */
  close(): Promise<void>;
}

/** Options of the raw peers. */
export interface RawOptions {
  /**
   * Keep writing after the other side's FIN. Off by default: the peer then
   * ends its side when the other does, as most peers do.
   * @default false
   */
  allowHalfOpen?: boolean;
}

export async function rawServer(onSocket: (socket: net.Socket) => void, options: RawOptions = {}): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: options.allowHalfOpen ?? false }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {}); // the tests look at what the Sluice side sees
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    address: { host: '127.0.0.1', port },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** The TCP port of a listener bound to host and port. */
export function portOf(target: Listener | SocketAddress): number {
  const address = 'address' in target ? target.address : target;
  if (!('port' in address)) throw new Error('not a TCP address');
  return address.port;
}

/** A connected plain `node:net` client with Nagle off. Errors are left to `outcomeOf()` (test-support/raw-sockets.ts), never thrown. */
export async function rawClient(target: Listener | SocketAddress, options: RawOptions = {}): Promise<net.Socket> {
  const allowHalfOpen = options.allowHalfOpen ?? false;
  const socket = net.connect({ host: '127.0.0.1', port: portOf(target), allowHalfOpen, noDelay: true });
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Writes `bytes` one byte per write, each flushed before the next. */
export async function writeBytewise(socket: net.Socket, bytes: Uint8Array): Promise<void> {
  for (const byte of bytes) {
    await new Promise<void>((resolve, reject) =>
      socket.write(Uint8Array.of(byte), (error) => (error ? reject(error) : resolve())),
    );
  }
}

/**
 * A Sluice server connection and a raw client socket feeding it exact bytes,
 * over loopback; `await using` destroys both and closes the listener.
 */
export async function serverWithRawPeer() {
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const accepted = listener.accept();
  const peer = await rawClient(listener);
  const conn = (await accepted)!;
  return {
    conn,
    peer,
    [Symbol.asyncDispose]: async () => {
      peer.destroy();
      conn.destroy();
      await listener.close();
    },
  };
}
