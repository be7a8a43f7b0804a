import type { Connection, ListenerCounters, RefusalReason, SocketAddress } from '@sluice/connection';
import { AcceptQueue, ListenerBase, shed } from '@sluice/connection/transport';
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
export class WebSocketListener extends ListenerBase<Connection<WebSocket>> {
  readonly #init: WebSocketListenerInit;
  readonly #accepted: AcceptQueue<Connection<WebSocket>>;
  /** Each open WebSocket and its connection, for the heartbeat. */
  readonly #open = new Map<WebSocket, Connection<WebSocket>>();
  readonly #alive = new WeakSet<WebSocket>();
  #unresponsive = 0;
  readonly #heartbeat: ReturnType<typeof setInterval> | undefined;

  /** @internal Use `listen()`. */
  constructor(init: WebSocketListenerInit) {
    const accepted = new AcceptQueue<Connection<WebSocket>>(init.acceptCapacity);
    super(init.address, accepted);
    this.#init = init;
    this.#accepted = accepted;
    if (init.heartbeat > 0 && init.heartbeat !== Number.POSITIVE_INFINITY) {
      this.#heartbeat = setInterval(this.#beat, init.heartbeat);
      this.#heartbeat.unref?.();
    }
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
  override get counters(): WebSocketListenerCounters {
    return { ...super.counters, unresponsive: this.#unresponsive };
  }

  /** @internal Why an upgrade would be refused now (with 503), or `undefined` if it would be taken. */
  refusal(): RefusalReason | undefined {
    if (!this.listening) return 'closing';
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
    if (!this.listening) return conn.destroy();
    this.#open.set(ws, conn);
    this.#alive.add(ws);
    ws.on('pong', () => this.#alive.add(ws));
    ws.once('close', () => this.#open.delete(ws));
    this.#accepted.push(conn);
  }

  /**
   * Stops taking upgrades and the heartbeat, and resolves once the server is
   * closed (an attached server keeps running): `close()` calls it, once.
   */
  protected override stop(): Promise<void> {
    clearInterval(this.#heartbeat);
    return this.#init.stop();
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
        shed(conn, new WebSocketCloseError(1006, 'no answer to the heartbeat ping'));
        continue;
      }
      this.#alive.delete(ws);
      ws.ping();
    }
  };
}
