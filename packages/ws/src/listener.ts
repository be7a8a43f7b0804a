import {
  AcceptQueue,
  type Connection,
  type ConnectionHandler,
  type ServeOptions,
  type ServeSummary,
  type SocketAddress,
} from '@sluice/connection';
import type { AbortOptions } from '@sluice/core';
import type WebSocket from 'ws';

/** @internal An upgraded WebSocket and the connection over it. */
export interface Accepted {
  ws: WebSocket;
  conn: Connection<WebSocket>;
}

/** @internal How `listen()` sets a listener up. */
export interface WebSocketListenerInit {
  address: SocketAddress;
  acceptCapacity: number;
  maxConnections: number;
  heartbeat: number;
  stop(): Promise<void>;
}

/** What a WebSocket listener has seen so far. */
export interface WebSocketListenerCounters {
  /** Connections handed out (or waiting to be). */
  accepted: number;
  /** Upgrades refused: another path (404), a refused origin (403), past `maxConnections` or a full accept queue (503). */
  refused: number;
  /** Connections dropped because they did not answer a heartbeat ping. */
  unresponsive: number;
}

/**
 * A WebSocket server: an async iterable of accepted connections, the same
 * shape as `@sluice/net`'s `Listener`. Created by `listen()`.
 *
 * @example
 * ```ts
 * await using listener = await listen({ host: '127.0.0.1', port: 0 });
 * for await (const conn of listener) void handle(conn);
 * ```
 */
export class WebSocketListener implements AsyncIterable<Connection<WebSocket>>, AsyncDisposable {
  /** Where the listener is bound (or the attached server is). */
  readonly address: SocketAddress;
  readonly #init: WebSocketListenerInit;
  readonly #accepted: AcceptQueue<Connection<WebSocket>>;
  readonly #open = new Set<WebSocket>();
  readonly #alive = new WeakSet<WebSocket>();
  readonly #counters: WebSocketListenerCounters = { accepted: 0, refused: 0, unresponsive: 0 };
  readonly #heartbeat: ReturnType<typeof setInterval> | undefined;
  #closing: Promise<void> | undefined;
  #markClosed!: () => void;
  readonly #closed = new Promise<void>((resolve) => {
    this.#markClosed = resolve;
  });

  /** @internal Use `listen()`. */
  constructor(init: WebSocketListenerInit) {
    this.address = init.address;
    this.#init = init;
    this.#accepted = new AcceptQueue(init.acceptCapacity);
    if (init.heartbeat > 0) {
      this.#heartbeat = setInterval(this.#beat, init.heartbeat);
      this.#heartbeat.unref?.();
    }
  }

  /** The bound TCP port, if any. */
  get port(): number | undefined {
    return 'port' in this.address ? this.address.port : undefined;
  }

  /** Accepted, refused and unresponsive counts. */
  get counters(): Readonly<WebSocketListenerCounters> {
    return { ...this.#counters };
  }

  /** True until `close()`. */
  get listening(): boolean {
    return this.#closing === undefined;
  }

  /** Resolves once the listener is closed (it never rejects). */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** @internal Whether an upgrade would be taken now (else it is refused with 503). */
  canTake(): boolean {
    return this.#closing === undefined && this.#open.size < this.#init.maxConnections && this.#accepted.hasRoom;
  }

  /** @internal The server failed: waiting and later accepts reject with `error`. */
  fail(error: unknown): void {
    this.#accepted.close(error);
  }

  /** @internal Counts an upgrade refused (wrong path, refused origin, no room). */
  refused(): void {
    this.#counters.refused++;
  }

  /** @internal Takes an upgraded connection. */
  offer({ ws, conn }: Accepted): void {
    if (this.#closing !== undefined) return conn.destroy();
    this.#counters.accepted++;
    this.#open.add(ws);
    this.#alive.add(ws);
    ws.on('pong', () => this.#alive.add(ws));
    ws.once('close', () => this.#open.delete(ws));
    this.#accepted.push(conn);
  }

  /**
   * Waits for the next connection; resolves `undefined` once the listener is closed.
   *
   * @example
   * ```ts
   * const conn = await listener.accept({ signal: AbortSignal.timeout(5000) });
   * ```
   */
  accept(options?: AbortOptions): Promise<Connection<WebSocket> | undefined> {
    return this.#accepted.accept(options);
  }

  /**
   * Runs `handler` for every connection, many at once, until the listener
   * closes; then waits for running handlers and resolves with how many were
   * served, failed or cut. See `ServeOptions`.
   *
   * @example
   * ```ts
   * await listener.serve(async (conn) => { for await (const chunk of conn) await conn.write(chunk); });
   * ```
   */
  serve(
    handler: ConnectionHandler<Connection<WebSocket>>,
    options?: ServeOptions<Connection<WebSocket>>,
  ): Promise<ServeSummary> {
    return this.#accepted.serve(handler, options, () => this.close());
  }

  /**
   * Stops taking upgrades, closes connections accepted but not handed out,
   * and resolves once the server is closed (an attached server keeps
   * running). Connections handed out are left to their owners.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    clearInterval(this.#heartbeat);
    this.#accepted.close();
    this.#closing = this.#init.stop().then(this.#markClosed);
    return this.#closing;
  }

  /** Iterates connections as they are accepted; leaving early closes the listener. */
  [Symbol.asyncIterator](): AsyncIterator<Connection<WebSocket>, undefined> {
    return this.#accepted.iterator(() => this.close());
  }

  /** `await using listener = await listen(…)` closes it at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Drops the connections that did not answer the last ping, and pings the rest. */
  #beat = (): void => {
    for (const ws of this.#open) {
      // Paused because its reader is behind (or has not started): its pongs wait unread, so it is not
      // judged; idleTimeout and the reader's own pace cover it.
      if (ws.isPaused) {
        this.#alive.add(ws);
        continue;
      }
      if (!this.#alive.has(ws)) {
        this.#counters.unresponsive++;
        ws.terminate();
        continue;
      }
      this.#alive.delete(ws);
      ws.ping();
    }
  };
}
