import type { AbortOptions } from '@sluice/core';
import type { AcceptQueue } from './accept-queue.js';
import type { SocketAddress } from './address.js';
import type { Connection } from './connection.js';
import type { ListenerCounters } from './listener-counters.js';
import type { ConnectionHandler, ServeOptions, ServeSummary } from './serve.js';

/**
 * What every listener is, whatever its transport: an async iterable of
 * accepted connections with `accept()`, `serve(handler)`, `counters`,
 * `close()`, `closed` and `await using`, all over an {@link AcceptQueue}.
 * A transport's listener extends it: it pushes the connections it accepts
 * into the queue (or refuses them there), and implements `stop()`, which
 * stops its server. `@sluice/net`'s `Listener` and `@sluice/ws`'s
 * `WebSocketListener` are two.
 *
 * @example A listener for your own transport
 * ```ts
 * class MyListener extends ListenerBase<Connection<MySocket>> {
 *   readonly #server: MyServer;
 *   constructor(server: MyServer, accepted = new AcceptQueue<Connection<MySocket>>(1024)) {
 *     super(server.address, accepted);
 *     this.#server = server;
 *     server.onconnection = (raw) => accepted.push(fromTransport(new MyTransport(raw)));
 *   }
 *   protected stop(): Promise<void> {
 *     return this.#server.close();
 *   }
 * }
 * ```
 */
export abstract class ListenerBase<C extends Connection> implements AsyncIterable<C>, AsyncDisposable {
  /** Where the listener is bound: `{ host, port, family }` or `{ path }`. */
  readonly address: SocketAddress;
  readonly #accepted: AcceptQueue<C>;
  #closing: Promise<void> | undefined;
  #markClosed!: () => void;
  readonly #closed = new Promise<void>((resolve) => {
    this.#markClosed = resolve;
  });

  /** `accepted`: the queue the subclass pushes its accepted connections into. */
  protected constructor(address: SocketAddress, accepted: AcceptQueue<C>) {
    this.address = address;
    this.#accepted = accepted;
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

  /** Resolves once the listener is closed (it never rejects). */
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
  accept(options?: AbortOptions): Promise<C | undefined> {
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
  serve(handler: ConnectionHandler<C>, options?: ServeOptions<C>): Promise<ServeSummary> {
    return this.#accepted.serve(handler, options, () => this.close());
  }

  /**
   * Stops accepting, closes connections accepted but not yet handed out, and
   * resolves once the server is closed. Connections already handed out are
   * left to their owners. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closing = this.stop().then(this.#markClosed);
    this.#accepted.close();
    return this.#closing;
  }

  /**
   * Stops the server (no more connections come in) and resolves once it is
   * closed: the transport's part of `close()`, which calls it once.
   */
  protected abstract stop(): Promise<void>;

  /** Iterates connections as they are accepted; leaving early closes the listener. */
  [Symbol.asyncIterator](): AsyncIterator<C, undefined> {
    return this.#accepted.iterator(() => this.close());
  }

  /** `await using listener = await listen(…)` closes it at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
