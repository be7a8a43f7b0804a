import type { Server, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type Connection, type ConnectionOptions, HandshakeError, type SocketAddress } from '@sluice/connection';
import { AcceptQueue, callContained, fromTransport, ListenerBase } from '@sluice/connection/transport';
import { remoteAddressOf } from './internal/address-of.js';
import { SocketTransport } from './internal/socket-transport.js';

/** @internal How a listener wraps its server. */
export interface ListenerInit {
  connection: ConnectionOptions;
  /** The IPC path, which accepted sockets do not report themselves. */
  path: string | undefined;
  acceptCapacity: number;
  onClientError: ((error: Error) => void) | undefined;
}

/**
 * A bound server socket: an async iterable of accepted connections. Created by
 * `listen()`.
 *
 * Connections are handed out as the consumer pulls. Those not yet pulled wait
 * in a bounded queue (`acceptCapacity`); past it, and past `maxConnections`, new
 * connections are refused at once. Leaving a `for await` early closes the
 * listener (connections already handed out stay open: they are yours).
 *
 * @example One server, many clients
 * ```ts
 * await using listener = await listen({ host: '127.0.0.1', port: 0 });
 * console.log('listening on', listener.address);
 * await listener.serve(async (conn) => {
 *   for await (const chunk of conn) await conn.write(chunk);
 * });
 * ```
 */
export class Listener extends ListenerBase<Connection<Socket>> {
  readonly #server: Server;
  readonly #init: ListenerInit;
  readonly #accepted: AcceptQueue<Connection<Socket>>;
  readonly #protocol: 'tcp' | 'tls' | 'ipc';

  /** @internal Use `listen()`. */
  constructor(server: Server, address: SocketAddress, init: ListenerInit, secure: boolean) {
    const accepted = new AcceptQueue<Connection<Socket>>(init.acceptCapacity);
    super(address, accepted);
    this.#server = server;
    this.#init = init;
    this.#accepted = accepted;
    this.#protocol = secure ? 'tls' : init.path !== undefined ? 'ipc' : 'tcp';
    server.on(secure ? 'secureConnection' : 'connection', this.#onConnection);
    server.on('drop', (peer?: { remoteAddress?: string; remotePort?: number; remoteFamily?: string }) => {
      const remoteAddress =
        peer?.remoteAddress === undefined
          ? undefined
          : { host: peer.remoteAddress, port: peer.remotePort ?? 0, family: peer.remoteFamily ?? '' };
      this.#accepted.refuse({ protocol: this.#protocol, reason: 'maxConnections', remoteAddress });
    });
    server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      // Node leaves the socket open after a failed handshake: release it here.
      const remoteAddress = remoteAddressOf(socket, init.path);
      socket.destroy();
      const failure = handshakeError(error, socket);
      this.#accepted.refuse({ protocol: this.#protocol, reason: 'handshake', remoteAddress, error: failure });
      // Any client can cause a failed handshake: a callback that throws (or rejects) must not take the server down.
      callContained('listen(): onClientError', this.#init.onClientError, [failure]);
    });
    server.on('error', (error: Error) => this.#accepted.close(error));
    // Closed underneath (a cluster primary disconnecting this worker): stop as if close() was called.
    server.on('close', () => void this.close());
  }

  /** Closes the listening socket, once: `close()` calls it. */
  protected override stop(): Promise<void> {
    const server = this.#server;
    return new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close();
      // The listening handle is released in the loop's close phase, after check.
      setImmediate(() => setImmediate(resolve));
    });
  }

  #onConnection = (socket: Socket): void => {
    // TLS servers run with allowHalfOpen off so that a FIN during the handshake
    // closes the socket; established connections get half-close back.
    socket.allowHalfOpen = true;
    if (!this.listening || !this.#accepted.hasRoom) {
      const reason = this.listening ? 'acceptCapacity' : 'closing';
      this.#accepted.refuse({
        protocol: this.#protocol,
        reason,
        remoteAddress: remoteAddressOf(socket, this.#init.path),
      });
      socket.destroy();
      return;
    }
    const transport = new SocketTransport(socket, { path: this.#init.path, side: 'server' });
    this.#accepted.push(fromTransport(transport, this.#init.connection));
  };
}

/**
 * The error to report for a failed handshake. When a client certificate was
 * refused, Node only says "socket hang up"; the reason is on the socket.
 */
function handshakeError(error: Error, socket: TLSSocket): HandshakeError {
  const refused: unknown = socket.authorizationError;
  if (refused === undefined || refused === null) {
    const code = (error as { code?: unknown }).code;
    return new HandshakeError(typeof code === 'string' ? code : 'UNKNOWN', error.message, { cause: error });
  }
  const reason = typeof refused === 'string' ? refused : String((refused as { code?: unknown }).code ?? refused);
  const message = refused instanceof Error ? refused.message : reason;
  return new HandshakeError(reason, `client certificate refused: ${message}`, { cause: error });
}
