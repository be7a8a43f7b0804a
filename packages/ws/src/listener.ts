import type {
  Connection,
  ConnectionHandler,
  ListenerCounters,
  RefusalReason,
  ServeOptions,
  ServeSummary,
  SocketAddress,
} from '@sluice/connection';
import { AcceptQueue } from '@sluice/connection/transport';
import type { AbortOptions } from '@sluice/core';
import type WebSocket from 'ws';
import { WebSocketCloseError } from './errors.js';

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
  /** `'ws'` or `'wss'`, for diagnostics. */
  protocol: 'ws' | 'wss';
  stop(): Promise<void>;
}

/**
 * What a WebSocket listener has seen so far: a listener's counters (`refused`
 * counts upgrades answered 404, 403 or 503), and the connections dropped for
 * not answering a heartbeat ping.
 */
export interface WebSocketListenerCounters extends ListenerCounters {
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
  /** Each open WebSocket and its connection, for the heartbeat. */
  readonly #open = new Map<WebSocket, Connection<WebSocket>>();
  readonly #alive = new WeakSet<WebSocket>();
  #unresponsive = 0;
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
    if (init.heartbeat > 0 && init.heartbeat !== Number.POSITIVE_INFINITY) {
      this.#heartbeat = setInterval(this.#beat, init.heartbeat);
      this.#heartbeat.unref?.();
    }
  }

  /** The bound TCP port, if any. */
  get port(): number | undefined {
    return 'port' in this.address ? this.address.port : undefined;
  }

  /**
   * A snapshot of what this listener has seen: connections accepted, open,
   * closed, refused and unresponsive, errors by code, and bytes and frames in
   * and out. Cheap enough for each scrape of a `/metrics` endpoint.
   *
   * @example
   * ```ts
   * const { open, refused, unresponsive } = listener.counters;
   * ```
   */
  get counters(): WebSocketListenerCounters {
    return { ...this.#accepted.counters, unresponsive: this.#unresponsive };
  }

  /** True until `close()`. */
  get listening(): boolean {
    return this.#closing === undefined;
  }

  /** Resolves once the listener is closed (it never rejects). */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** @internal Why an upgrade would be refused now (with 503), or `undefined` if it would be taken. */
  refusal(): RefusalReason | undefined {
    if (this.#closing !== undefined) return 'closing';
    if (this.#open.size >= this.#init.maxConnections) return 'maxConnections';
    return this.#accepted.hasRoom ? undefined : 'acceptCapacity';
  }

  /** @internal The server failed: waiting and later accepts reject with `error`. */
  fail(error: unknown): void {
    this.#accepted.close(error);
  }

  /** @internal Counts and publishes a peer turned away (a wrong path, a refused origin, no room, a failed TLS handshake). */
  refuse(reason: RefusalReason, remoteAddress: SocketAddress | undefined, error?: Error): void {
    this.#accepted.refuse({ protocol: this.#init.protocol, reason, remoteAddress, error });
  }

  /** @internal Takes an upgraded connection. */
  offer({ ws, conn }: Accepted): void {
    if (this.#closing !== undefined) return conn.destroy();
    this.#open.set(ws, conn);
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
    for (const [ws, conn] of this.#open) {
      // Paused because its reader is behind (or has not started): its pongs wait unread, so it is not
      // judged; idleTimeout and the reader's own pace cover it.
      if (ws.isPaused) {
        this.#alive.add(ws);
        continue;
      }
      if (!this.#alive.has(ws)) {
        this.#unresponsive++;
        conn.shed(new WebSocketCloseError(1006, 'no answer to the heartbeat ping'));
        continue;
      }
      this.#alive.delete(ws);
      ws.ping();
    }
  };
}
