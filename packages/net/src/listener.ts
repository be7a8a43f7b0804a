import type { Server, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  type Connection,
  type ConnectionHandler,
  type ConnectionOptions,
  HandshakeError,
  type ListenerCounters,
  type ServeOptions,
  type ServeSummary,
  type SocketAddress,
} from '@sluice/connection';
import { AcceptQueue, callContained, fromTransport } from '@sluice/connection/transport';
import type { AbortOptions } from '@sluice/core';
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
export class Listener implements AsyncIterable<Connection<Socket>>, AsyncDisposable {
  /** Where the listener is bound: `{ host, port }` or `{ path }`. */
  readonly address: SocketAddress;

  readonly #server: Server;
  readonly #init: ListenerInit;
  readonly #accepted: AcceptQueue<Connection<Socket>>;
  readonly #protocol: 'tcp' | 'tls' | 'ipc';
  #closing: Promise<void> | undefined;
  #markClosed!: () => void;
  readonly #closed = new Promise<void>((resolve) => {
    this.#markClosed = resolve;
  });

  /** @internal Use `listen()`. */
  constructor(server: Server, address: SocketAddress, init: ListenerInit, secure: boolean) {
    this.#server = server;
    this.address = address;
    this.#init = init;
    this.#accepted = new AcceptQueue(init.acceptCapacity);
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

  /** The bound TCP port, or `undefined` for a path (IPC) listener. */
  get port(): number | undefined {
    return 'port' in this.address ? this.address.port : undefined;
  }

  /**
   * A snapshot of what this listener has seen: connections accepted, open,
   * closed and refused, failed handshakes, errors by code, and bytes and
   * frames in and out over every accepted connection. Cheap enough for each
   * scrape of a `/metrics` endpoint (it sums the open connections' counters).
   *
   * @example
   * ```ts
   * const { open, refused, errors, bytesIn } = listener.counters;
   * ```
   */
  get counters(): ListenerCounters {
    return this.#accepted.counters;
  }

  /** True until `close()` is called (or the server closes underneath). */
  get listening(): boolean {
    return this.#closing === undefined;
  }

  /** Resolves once the listening socket is closed (it never rejects). */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /**
   * Waits for the next connection; resolves `undefined` once the listener is
   * closed.
   *
   * @example
   * ```ts
   * const conn = await listener.accept({ signal: AbortSignal.timeout(5000) });
   * ```
   */
  accept(options?: AbortOptions): Promise<Connection<Socket> | undefined> {
    return this.#accepted.accept(options);
  }

  /**
   * Runs `handler` for every connection, many at once, until the listener
   * closes; then waits for running handlers and resolves with how many were
   * served, failed or cut (a {@link ServeSummary}). See {@link ServeOptions}.
   *
   * @example
   * ```ts
   * await listener.serve(handle, { signal: shutdown.signal, shutdownTimeout: 10_000, onError: console.error });
   * ```
   */
  serve(
    handler: ConnectionHandler<Connection<Socket>>,
    options?: ServeOptions<Connection<Socket>>,
  ): Promise<ServeSummary> {
    return this.#accepted.serve(handler, options, () => this.close());
  }

  /**
   * Stops accepting, closes connections accepted but not yet handed out, and
   * resolves once the listening socket is closed. Connections already handed
   * out are left to their owners.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const server = this.#server;
    this.#closing = new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close();
      // The listening handle is released in the loop's close phase, after check.
      setImmediate(() => setImmediate(resolve));
    });
    this.#accepted.close();
    void this.#closing.then(this.#markClosed);
    return this.#closing;
  }

  /** Iterates connections as they are accepted; leaving early closes the listener. */
  [Symbol.asyncIterator](): AsyncIterator<Connection<Socket>, undefined> {
    return this.#accepted.iterator(() => this.close());
  }

  /** `await using listener = await listen(…)` closes it at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #onConnection = (socket: Socket): void => {
    // TLS servers run with allowHalfOpen off so that a FIN during the handshake
    // closes the socket; established connections get half-close back.
    socket.allowHalfOpen = true;
    if (this.#closing !== undefined || !this.#accepted.hasRoom) {
      const reason = this.#closing !== undefined ? 'closing' : 'acceptCapacity';
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
