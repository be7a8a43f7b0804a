import type { Connection } from '@sluice/connection';
import { Observable, type Observer, type Subscriber, type TeardownLogic } from 'rxjs';
import { enders } from './internal/enders.js';
import { Outbox } from './internal/outbox.js';
import { reconnectLoop } from './internal/reconnect-loop.js';
import { Session, type SessionOwner } from './internal/session.js';
import type { PushOverflowPolicy } from './push-overflow-policy.js';
import type { SocketReconnectOptions } from './socket-reconnect-options.js';
import type { SocketSubjectConfig } from './socket-subject-config.js';

/**
 * A connection as an RxJS subject: an Observable of incoming frames and an
 * Observer of outgoing frames, in the spirit of RxJS's `WebSocketSubject`.
 * Created by {@link socket$} (dials) and {@link listen$} (one per accepted
 * connection).
 *
 * Reading:
 * - The first subscriber opens the connection; later subscribers share it
 *   and get the frames that arrive from then on.
 * - The peer's end of stream completes every subscriber; a reset, a decode
 *   error or a failed connect errors them.
 * - When the last subscriber unsubscribes, the connection closes
 *   gracefully: frames already given to `next()` are still sent, then FIN;
 *   the socket is destroyed once the peer has finished too, or after the
 *   connection's `closeTimeout`. Nobody awaits that close: if the timeout
 *   cuts off frames still unsent (a peer that stopped reading), the
 *   `ERR_CLOSE_TIMEOUT` is recorded on the connection (`conn.error`, the
 *   `closeObserver`'s event, the `sluice:connection:close` diagnostics
 *   message), never thrown.
 * - Subscribing after the end starts a new connection, so `retry()` and
 *   `repeat()` reconnect. (A subject from `listen$` cannot reconnect: it
 *   errors with `ERR_CLOSED` instead.)
 * - With the `reconnect` option of {@link socket$} or {@link webSocket$},
 *   a connection that ends or fails is followed by the next, after a
 *   backoff, under the same subscriptions (see {@link socket$}).
 *
 * Writing:
 * - `next(frame)` encodes and sends, straight into the socket while it
 *   accepts data (at most 16 KiB are written ahead of the socket's answer
 *   within one turn of the event loop). Before the connection is up, and
 *   while the socket is full (the peer reads slowly), frames wait in a
 *   buffer of `capacity` frames under the `overflow` policy; they are
 *   written in order as the socket drains. `next()` itself never throws and
 *   never waits. With nobody subscribed, frames wait for the connection the
 *   next subscription opens; an overflow then errors that subscription.
 * - Frames waiting when a connection attempt fails stay for the next attempt.
 * - `complete()` half-closes (`closeWrite`) once the waiting frames are
 *   written; reading goes on until the peer ends. Later `next()` calls are
 *   ignored until the connection ends.
 * - `error(e)` destroys the connection at once, dropping waiting frames;
 *   subscribers get `e`.
 * - A frame the codec refuses destroys the connection with the codec's error.
 * - `next()` cannot slow its caller down (an Observer has no way to push
 *   back), so a subject fed faster than its peer reads, such as an echo
 *   whose client stops reading, ends up applying its overflow policy.
 *
 * @example Request and reply over lines
 * ```ts
 * import { lines } from '@sluice/codec';
 * import { socket$ } from '@sluice/rx';
 * import { firstValueFrom } from 'rxjs';
 *
 * const sock = socket$({ host: '127.0.0.1', port: 7000, codec: lines() });
 * const reply = firstValueFrom(sock); // connects; closes after the first line
 * sock.next('PING');
 * console.log(await reply);
 * ```
 */
export class SocketSubject<TIn, TOut = TIn> extends Observable<TIn> implements Observer<TOut> {
  readonly #owner: SessionOwner<TIn, TOut>;
  readonly #capacity: number;
  readonly #overflow: PushOverflowPolicy;
  #session: Session<TIn, TOut> | undefined;
  /** Frames for the next connection, while none is up. */
  #pending: Outbox<TOut> | undefined;
  /** An overflow that happened with nobody subscribed: the next subscriber gets it. */
  #latched: { error: unknown } | undefined;
  /** With a `reconnect` policy: the frames of every connection, shared by the subscribers. */
  readonly #reconnecting: Observable<TIn> | undefined;
  /** While a reconnect loop runs: ends it with an error of the subject's own. */
  #stop: ((error: unknown) => void) | undefined;
  /** `complete()` was called while reconnecting: the connection that ends next is the last. */
  #completing = false;

  /** @internal Use {@link socket$} or {@link listen$}. */
  constructor(
    dial: (signal: AbortSignal) => Connection | Promise<Connection>,
    config: SocketSubjectConfig<TIn, TOut>,
    reconnect?: SocketReconnectOptions,
  ) {
    super(function (this: Observable<TIn>, subscriber: Subscriber<TIn>): TeardownLogic {
      return (this as SocketSubject<TIn, TOut>).#subscribe(subscriber);
    });
    // The config was checked once, by socket$() or listen$().
    this.#capacity = config.capacity ?? 256;
    this.#overflow = config.overflow ?? 'error';
    this.#owner = {
      codec: config.codec,
      openObserver: config.openObserver,
      closeObserver: config.closeObserver,
      dial,
      takeOutbox: () => {
        const outbox = this.#pending ?? new Outbox<TOut>(this.#capacity, this.#overflow);
        this.#pending = undefined;
        return outbox;
      },
      ended: (session) => {
        if (this.#session === session) this.#session = undefined;
      },
    };
    this.#reconnecting =
      reconnect &&
      reconnectLoop({
        owner: this.#owner,
        policy: reconnect,
        setSession: (session) => (this.#session = session),
        setStop: (stop) => {
          this.#stop = stop;
          if (stop === undefined) this.#completing = false;
        },
        takeLatched: () => {
          const latched = this.#latched;
          this.#latched = undefined;
          return latched;
        },
        completed: () => this.#completing,
      });
    enders.set(this, () => {
      const session = this.#session;
      session?.endIncoming();
      return session !== undefined;
    });
  }

  /** The connection frames are currently written to, if one is up. */
  get connection(): Connection | undefined {
    return this.#session?.connection;
  }

  /** Sends `frame`, or queues it while the connection is not up or the socket is full. */
  next(frame: TOut): void {
    (this.#session?.openOutbox ?? this.#pendingOutbox()).offer(frame);
  }

  /** Destroys the connection with `error`; subscribers get it. Without a connection, drops the waiting frames. */
  error(error: unknown): void {
    const stop = this.#stop;
    if (stop !== undefined) {
      this.#pending?.discard();
      this.#pending = undefined;
      return stop(error);
    }
    const session = this.#session;
    if (session !== undefined && !session.incomingDone) return session.fail(error);
    session?.connection?.destroy(error instanceof Error ? error : undefined);
    this.#pending?.discard();
    this.#pending = undefined;
  }

  /** Half-closes the connection once the waiting frames are written (or the next one, if none is up). */
  complete(): void {
    if (this.#reconnecting !== undefined) this.#completing = true;
    (this.#session?.openOutbox ?? this.#pendingOutbox()).complete();
  }

  #subscribe(subscriber: Subscriber<TIn>): TeardownLogic {
    if (this.#reconnecting !== undefined) return this.#reconnecting.subscribe(subscriber);
    const current = this.#session;
    if (current !== undefined && !current.incomingDone) return current.subscribe(subscriber);
    const session = new Session(this.#owner);
    this.#session = session;
    const teardown = session.subscribe(subscriber);
    const latched = this.#latched;
    this.#latched = undefined;
    session.start(latched);
    return teardown;
  }

  #pendingOutbox(): Outbox<TOut> {
    let outbox = this.#pending;
    if (outbox !== undefined) return outbox;
    outbox = this.#pending = new Outbox<TOut>(this.#capacity, this.#overflow);
    outbox.onFail = (error) => {
      if (this.#pending === outbox) this.#pending = undefined;
      if (this.#stop !== undefined) return this.#stop(error); // reconnecting, between connections: the subscribers get it
      const session = this.#session;
      if (session !== undefined && !session.shutDown && !session.incomingDone) session.fail(error);
      else this.#latched = { error };
    };
    return outbox;
  }
}
