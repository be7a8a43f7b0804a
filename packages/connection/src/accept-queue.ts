import { AbortError, type AbortOptions, AlreadyConsumedError, checkOption, checkOptionKeys } from '@sluice/core';
import type { Connection } from './connection.js';
import { type ConnectionRefusedMessage, channels, publish } from './diagnostics.js';
import { setCloseHook } from './internal/close-hooks.js';
import { ABORT_OPTION_KEYS } from './internal/option-keys.js';
import { DONE } from './internal/settle.js';
import type { ListenerCounters } from './listener-counters.js';
import { type ConnectionHandler, type ServeOptions, type ServeSummary, serveConnections } from './serve.js';

const SERVING = "Cannot accept: serve() is taking this listener's connections";
const ACCEPTING = 'Cannot accept: another accept() on this listener is still waiting';

/**
 * The accept side every listener shares, whatever its transport: accepted
 * connections wait in a bounded queue until a reader pulls them (`accept()`,
 * `for await`, or `serve()`), one reader at a time. A listener offers a
 * connection only while `hasRoom`; past that it refuses at its own level
 * (closing the socket, answering 503) and tells the queue with `refuse()`. The
 * queue keeps the listener's {@link ListenerCounters} and publishes refusals
 * on the `sluice:connection:refused` diagnostics channel.
 *
 * @example The core of a listener for your own transport
 * ```ts
 * const accepted = new AcceptQueue<Connection<MySocket>>(1024);
 * mySocketServer.on('connection', (raw) => {
 *   if (!accepted.hasRoom) {
 *     accepted.refuse({ protocol: 'my', reason: 'acceptCapacity', remoteAddress: undefined });
 *     return raw.destroy();
 *   }
 *   accepted.push(fromTransport(new MyTransport(raw)));
 * });
 * for await (const conn of { [Symbol.asyncIterator]: () => accepted.iterator(() => stop()) }) handle(conn);
 * ```
 */
export class AcceptQueue<C extends Connection> {
  readonly #capacity: number;
  readonly #queue: C[] = [];
  #waiter: ((conn: C | undefined) => void) | undefined;
  #serving = false;
  #closed = false;
  #error: unknown;
  /** Accepted connections not yet closed, whose counters the snapshot sums. */
  readonly #open = new Set<C>();
  /** Counts so far; the byte and frame totals are those of connections already closed. */
  readonly #counts: ListenerCounters = {
    accepted: 0,
    refused: 0,
    handshakeFailures: 0,
    open: 0,
    closed: 0,
    errors: {},
    bytesIn: 0,
    bytesOut: 0,
    framesIn: 0,
    framesOut: 0,
  };

  /** `capacity`: connections that may wait to be pulled. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** A snapshot of the listener's counters: O(open connections). */
  get counters(): ListenerCounters {
    const snapshot = { ...this.#counts, errors: { ...this.#counts.errors }, open: this.#open.size };
    for (const conn of this.#open) addCounters(snapshot, conn);
    return snapshot;
  }

  /** Counts a peer turned away before it became a connection, and publishes why. */
  refuse(message: ConnectionRefusedMessage): void {
    if (message.reason === 'handshake') this.#counts.handshakeFailures++;
    else this.#counts.refused++;
    publish(channels.refused, message);
  }

  /** Whether a connection offered now would be taken: open, with a reader waiting or room in the queue. */
  get hasRoom(): boolean {
    return !this.#closed && (this.#waiter !== undefined || this.#queue.length < this.#capacity);
  }

  /** Hands `conn` to the waiting reader, or queues it. Check `hasRoom` first; when closed, `conn` is destroyed. */
  push(conn: C): void {
    this.#track(conn);
    if (this.#closed) return conn.destroy();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter !== undefined) waiter(conn);
    else this.#queue.push(conn);
  }

  /**
   * Ends accepting: queued connections are destroyed, a waiting reader gets
   * `undefined` (or `error`, which later accepts reject with too).
   */
  close(error?: unknown): void {
    if (error !== undefined) this.#error ??= error;
    this.#closed = true;
    for (const conn of this.#queue.splice(0)) conn.destroy();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(undefined);
  }

  /** The next connection, or `undefined` once closed; a listener's `accept()`. */
  accept(options?: AbortOptions): Promise<C | undefined> {
    if (this.#serving) return Promise.reject(new AlreadyConsumedError('listener', SERVING));
    try {
      checkOption('accept(): options', options, 'object');
      checkOptionKeys('accept()', options, ABORT_OPTION_KEYS);
      checkOption('accept(): signal', options?.signal, 'signal');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#next(options?.signal);
  }

  /** Runs `handler` for every connection until closed; a listener's `serve()`. `stop` closes the listener. */
  serve(
    handler: ConnectionHandler<C>,
    options: ServeOptions<C> | undefined,
    stop: () => Promise<void>,
  ): Promise<ServeSummary> {
    if (this.#serving || this.#waiter !== undefined) {
      return Promise.reject(new AlreadyConsumedError('listener', this.#serving ? SERVING : ACCEPTING));
    }
    let served: Promise<ServeSummary>;
    try {
      served = serveConnections({ accept: () => this.#next(undefined), close: stop }, handler, options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#serving = true;
    // Once serve() is over (the listener closed), accept() answers as on any closed listener.
    void served.finally(() => (this.#serving = false)).catch(() => {});
    return served;
  }

  /** A listener's async iterator: connections as they come; leaving early calls `stop`. */
  iterator(stop: () => Promise<void>): AsyncIterator<C, undefined> {
    return {
      next: async () => {
        const conn = await this.accept();
        return conn === undefined ? DONE : { value: conn, done: false };
      },
      return: async () => {
        await stop();
        return DONE;
      },
    };
  }

  #track(conn: C): void {
    this.#counts.accepted++;
    this.#open.add(conn);
    setCloseHook(conn, this.#countClosed);
  }

  /** A tracked connection closed: counted, with its bytes, frames and error code. One function for all of them. */
  readonly #countClosed = (conn: C): void => {
    this.#open.delete(conn);
    const counts = this.#counts;
    counts.closed++;
    addCounters(counts, conn);
    const error = conn.error;
    if (error !== undefined) {
      const code = (error as { code?: unknown }).code;
      const key = typeof code === 'string' ? code : 'UNKNOWN';
      counts.errors[key] = (counts.errors[key] ?? 0) + 1;
    }
  };

  #next(signal: AbortSignal | undefined): Promise<C | undefined> {
    const next = this.#queue.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#closed) return Promise.resolve(undefined);
    if (this.#waiter !== undefined) return Promise.reject(new AlreadyConsumedError('listener', ACCEPTING));
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiter = undefined;
        reject(new AbortError(signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiter = (conn) => {
        signal?.removeEventListener('abort', onAbort);
        if (conn === undefined && this.#error !== undefined) reject(this.#error);
        else resolve(conn);
      };
    });
  }
}

function addCounters(into: ListenerCounters, conn: Connection): void {
  const { bytesIn, bytesOut, framesIn, framesOut } = conn.counters;
  into.bytesIn += bytesIn;
  into.bytesOut += bytesOut;
  into.framesIn += framesIn;
  into.framesOut += framesOut;
}
