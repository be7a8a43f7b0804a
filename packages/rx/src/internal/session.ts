import type { Codec } from '@sluice/codec';
import type { Connection } from '@sluice/connection';
import { type Observer, Subject, type Subscriber, type Subscription, type TeardownLogic } from 'rxjs';
import { observe } from '../observe.js';
import type { SocketCloseEvent } from '../socket-close-event.js';
import { type LastEncode, measuringCodec } from './measuring-codec.js';
import type { Outbox } from './outbox.js';
import { reportUnhandledError } from './report-unhandled-error.js';

/** @internal What a session needs from its subject. */
export interface SessionOwner<TIn, TOut> {
  readonly codec: Codec<TIn, TOut>;
  readonly openObserver: Partial<Observer<Connection>> | undefined;
  readonly closeObserver: Partial<Observer<SocketCloseEvent>> | undefined;
  /** Opens (or hands over) the connection; `signal` aborts when the session shuts down first. */
  dial(signal: AbortSignal): Connection | Promise<Connection>;
  /** The frames waiting for the next connection, now this session's. */
  takeOutbox(): Outbox<TOut>;
  /** The session has shut down: the subject forgets it. */
  ended(session: Session<TIn, TOut>): void;
}

/**
 * @internal One connection of a socket subject, shared by every subscriber
 * that arrives while it lives: it dials, multicasts incoming frames through
 * a Subject, owns the outbox once connected, and closes the connection when
 * the last subscriber leaves.
 */
export class Session<TIn, TOut> {
  readonly frames = new Subject<TIn>();
  connection: Connection | undefined;
  /** The outgoing frames, once connected. */
  outbox: Outbox<TOut> | undefined;
  /** The incoming side has completed or failed: a new subscriber starts a new session. */
  incomingDone = false;
  /** The last subscriber has left (or never will come back): the connection is closing. */
  shutDown = false;

  readonly #owner: SessionOwner<TIn, TOut>;
  readonly #abort = new AbortController();
  #refs = 0;
  #reading: Subscription | undefined;
  #failure: { error: unknown } | undefined;

  constructor(owner: SessionOwner<TIn, TOut>) {
    this.#owner = owner;
  }

  /** The outbox frames given to `next()` go to, or `undefined` while this session takes none. */
  get openOutbox(): Outbox<TOut> | undefined {
    return this.shutDown ? undefined : this.outbox;
  }

  /** Adds a subscriber; the returned teardown removes it and shuts down after the last. */
  subscribe(subscriber: Subscriber<TIn>): TeardownLogic {
    this.#refs++;
    const subscription = this.frames.subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      if (--this.#refs === 0) this.shutdown();
    };
  }

  /** Dials; or fails at once with `latched`, an error left by an earlier overflow. */
  start(latched: { error: unknown } | undefined): void {
    if (latched !== undefined) return this.fail(latched.error);
    let dialled: Connection | Promise<Connection>;
    try {
      dialled = this.#owner.dial(this.#abort.signal);
    } catch (error) {
      return this.fail(error);
    }
    Promise.resolve(dialled).then(
      (conn) => {
        try {
          this.#open(conn);
        } catch (error) {
          this.fail(error);
        }
      },
      (error: unknown) => {
        if (!this.shutDown) this.fail(error);
      },
    );
  }

  /** Ends the connection with `error`: queued frames are dropped, subscribers get `error`. */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.outbox?.discard();
    this.#abort.abort();
    this.connection?.destroy(error instanceof Error ? error : undefined);
    this.#incomingEnded(true, error);
  }

  /** Stops reading: subscribers complete, and the connection then flushes and closes as after the last unsubscribe. */
  endIncoming(): void {
    this.#incomingEnded(false, undefined);
    if (this.#refs === 0) this.shutdown();
  }

  /** The last subscriber left: flush what waits, then close gracefully. */
  shutdown(): void {
    if (this.shutDown) return;
    this.shutDown = true;
    this.#owner.ended(this);
    this.#abort.abort();
    this.#reading?.unsubscribe();
    const { connection, outbox } = this;
    if (connection === undefined || outbox === undefined) return;
    // Nobody awaits this close: a cut-off one (ERR_CLOSE_TIMEOUT, a peer that stopped reading) is recorded on the
    // connection and told to closeObserver, never thrown.
    outbox
      .finish()
      .then(() => connection.close())
      .catch((error: unknown) => reportUnhandledError("the connection's close()", error));
  }

  #open(conn: Connection): void {
    if (this.shutDown || this.#failure !== undefined) {
      conn.close().catch((error: unknown) => reportUnhandledError("the connection's close()", error));
      return;
    }
    this.connection = conn;
    const owner = this.#owner;
    const last: LastEncode = { size: 0, error: undefined };
    const framed = conn.framed(measuringCodec(owner.codec, last), { keepOpen: true });
    const outbox = (this.outbox = owner.takeOutbox());
    outbox.onFail = (error) => this.fail(error);
    void conn.closed.then(() => this.#closed(conn));
    try {
      owner.openObserver?.next?.(conn);
    } catch (error) {
      return this.fail(error); // the subscribers are where a throwing openObserver is told
    }
    if (this.shutDown || this.#failure !== undefined) return;
    void outbox.attach(framed, last).then(() => {
      if (outbox.completed && !this.shutDown && this.#failure === undefined) conn.closeWrite().catch(() => {});
    });
    this.#reading = observe(framed).subscribe({
      next: (frame) => this.frames.next(frame),
      error: (error: unknown) => {
        this.#failure ??= { error };
        this.#incomingEnded(true, error);
      },
      complete: () => this.#incomingEnded(false, undefined),
    });
  }

  #incomingEnded(failed: boolean, error: unknown): void {
    if (this.incomingDone) return;
    this.incomingDone = true;
    this.#reading?.unsubscribe();
    if (failed) this.frames.error(error);
    else this.frames.complete();
  }

  #closed(connection: Connection): void {
    const failure = this.#failure;
    // Without a failure of its own, the connection may still have ended with one: a close cut off by closeTimeout.
    const error = failure === undefined ? connection.error : failure.error;
    const event: SocketCloseEvent =
      failure === undefined && error === undefined
        ? { connection, wasClean: true }
        : { connection, wasClean: false, error };
    const observer = this.#owner.closeObserver;
    try {
      observer?.next?.(event);
    } catch (thrown) {
      reportUnhandledError('closeObserver.next', thrown); // the connection has closed: nobody waits any more
    }
  }
}
