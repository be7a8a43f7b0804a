import { AbortError, InvalidArgumentError, isSluiceError } from '@sluice/core';
import { callContained } from '../call-contained.js';
import { Connection } from '../connection.js';
import { ReconnectFailedError } from '../errors.js';
import type { RetryInfo } from '../reconnect-options.js';
import { type Backoff, sleep } from './backoff.js';
import { kindOf } from './kind-of.js';
import { DONE, raceSignal } from './settle.js';

const noop = (): void => {};

/** @internal What a {@link SessionLoop} needs besides its hooks. */
export interface LoopSettings {
  readonly connect: (signal: AbortSignal) => Promise<Connection>;
  readonly backoff: Backoff;
  readonly attempts: number;
  readonly resetAfter: number;
  readonly onRetry: ((info: RetryInfo) => unknown) | undefined;
  readonly signal: AbortSignal | undefined;
}

/** @internal What a session is made of, and what happens at its end and the client's. */
export interface SessionHooks<TSession> {
  /** Makes a session of a new connection; `undefined` if the connection died on the way. */
  open(conn: Connection): Promise<TSession | undefined>;
  /** The session's connection is no longer the client's. */
  left(conn: Connection): void;
  /** The client has ended. */
  ended(): void;
}

/**
 * @internal The engine of a reconnecting client: connects (waiting between
 * attempts by the backoff), hands out one session per connection, and on
 * the next `next()` closes the last one and connects again.
 */
export class SessionLoop<TSession> {
  readonly #settings: LoopSettings;
  readonly #hooks: SessionHooks<TSession>;
  /** Aborted when the client ends: stops a wait, an attempt, and is the `signal` given to `connect`. */
  readonly #controller = new AbortController();
  #conn: Connection | undefined;
  #openedAt = 0;
  #ended = false;
  readonly #onAbort = (): void => void this.end();

  constructor(settings: LoopSettings, hooks: SessionHooks<TSession>) {
    this.#settings = settings;
    this.#hooks = hooks;
    const signal = settings.signal;
    if (signal?.aborted === true) void this.end();
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Closes the last session, then connects (with retries) and opens the next. */
  async next(): Promise<IteratorResult<TSession, undefined>> {
    if (this.#ended) return DONE;
    const { backoff, attempts, onRetry } = this.#settings;
    const signal = this.#controller.signal;
    let delay = 0;
    const last = this.#conn;
    if (last !== undefined) {
      const lasted = Date.now() - this.#openedAt;
      await this.#leave();
      if (lasted >= this.#settings.resetAfter) backoff.reset();
      else delay = this.#waitAfter(last);
    }
    let failures = 0;
    for (;;) {
      if (delay > 0 && !(await sleep(delay, signal))) return DONE;
      if (this.#ended) return DONE;
      let conn: Connection;
      try {
        conn = await this.#attempt(signal);
      } catch (error) {
        if (this.#ended) return DONE;
        if (isSluiceError(error, 'ERR_INVALID_ARG') || isSluiceError(error, 'ERR_OUT_OF_RANGE')) {
          this.end(); // a mistake in the options given to connect: another attempt would fail the same way
          throw error;
        }
        if (++failures >= attempts) {
          this.end();
          throw new ReconnectFailedError(failures, error);
        }
        delay = backoff.next();
        callContained('reconnecting(): onRetry', onRetry, [{ error, attempt: failures, delay }]);
        continue;
      }
      if (this.#ended) {
        conn.close().catch(noop); // connected as the client ended: not wanted
        return DONE;
      }
      this.#conn = conn;
      this.#openedAt = Date.now();
      failures = 0;
      const session = await this.#hooks.open(conn);
      if (this.#ended) return DONE;
      if (session !== undefined) return { done: false, value: session };
      await this.#leave(); // it died before it could be handed out: as a short session
      delay = this.#waitAfter(conn);
    }
  }

  /** Ends the client: stops a wait or an attempt, closes the open session. Resolves once it is closed. */
  async end(): Promise<IteratorReturnResult<undefined>> {
    if (!this.#ended) {
      this.#ended = true;
      this.#settings.signal?.removeEventListener('abort', this.#onAbort);
      this.#controller.abort();
      this.#hooks.ended();
    }
    await this.#leave();
    return DONE;
  }

  /** The wait after `conn`, a session too short to reset the backoff, told to `onRetry` (attempt 0: nothing failed to connect). */
  #waitAfter(conn: Connection): number {
    const delay = this.#settings.backoff.next();
    callContained('reconnecting(): onRetry', this.#settings.onRetry, [{ error: conn.error, attempt: 0, delay }]);
    return delay;
  }

  async #attempt(signal: AbortSignal): Promise<Connection> {
    const attempt = Promise.resolve().then(() => this.#settings.connect(signal));
    // A connect that does not heed its signal cannot hold the client's end: the loop stops waiting for it,
    // and a connection it makes late is closed.
    const conn: unknown = await raceSignal(attempt, signal, () => {
      attempt.then((late) => (late instanceof Connection ? late.close() : undefined)).catch(noop);
      return new AbortError(signal.reason);
    });
    if (conn instanceof Connection) return conn;
    // Not retried: the same function would give the same.
    throw new InvalidArgumentError(`reconnecting(): connect must resolve to a Connection, got ${kindOf(conn)}`);
  }

  async #leave(): Promise<void> {
    const conn = this.#conn;
    if (conn === undefined) return;
    this.#conn = undefined;
    this.#hooks.left(conn);
    await conn.close().catch(noop);
  }
}
