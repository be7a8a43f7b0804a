import { type AbortOptions, AlreadyConsumedError } from '@sluice/core';
import type { Connection } from './connection.js';
import type { Framed } from './framed.js';
import type { FrameOutbox } from './internal/frame-outbox.js';
import type { SessionLoop } from './internal/session-loop.js';

/**
 * A client that reconnects, made by {@link reconnecting}: `for await` gives
 * one session per connection. When the loop body's iteration ends (the
 * session's connection closed, or you `continue`), the connection is closed
 * if it is still open and the next iteration waits for the next connection,
 * after a backoff; `break` (or a throw out of the loop) ends the client and
 * closes the connection. An error thrown inside the body leaves the loop
 * too, as in any `for await`: catch a session's errors (`ECONNRESET`,
 * `ERR_IDLE_TIMEOUT`) inside the body to go on to the next session.
 *
 * One loop at a time: a second `for await` throws `ERR_ALREADY_CONSUMED`.
 *
 * @example
 * ```ts
 * for await (const conn of reconnecting((signal) => connect({ host, port, signal, idleTimeout: 30_000 }))) {
 *   try {
 *     for await (const chunk of conn) process.stdout.write(chunk);
 *   } catch (err) {
 *     console.warn('session lost:', err); // then the next session
 *   }
 * }
 * ```
 */
export class ReconnectingClient<TSession = Connection> implements AsyncIterable<TSession>, AsyncDisposable {
  readonly #loop: SessionLoop<TSession>;
  #iterated = false;

  /** @internal Use `reconnecting()`. */
  constructor(loop: SessionLoop<TSession>) {
    this.#loop = loop;
  }

  /**
   * Ends the client from anywhere: a wait or an attempt stops, the open
   * session's connection is closed, and the loop ends. Resolves once that
   * connection is closed.
   *
   * @example
   * ```ts
   * process.once('SIGINT', () => void client.close());
   * ```
   */
  async close(): Promise<void> {
    await this.#loop.end();
  }

  /** `await using client = reconnecting(…)` ends it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The sessions, one per connection; see the class. */
  [Symbol.asyncIterator](): AsyncIterator<TSession, undefined> {
    if (this.#iterated) throw new AlreadyConsumedError('reconnecting client');
    this.#iterated = true;
    return {
      next: () => this.#loop.next(),
      return: () => this.#loop.end(),
    };
  }
}

/**
 * A {@link ReconnectingClient} made with a `codec`: each session is the
 * connection's `Framed`, and {@link write} sends a frame from anywhere,
 * whether a session is open or not.
 *
 * What is delivered, at most once each:
 * - a frame written while a session is open goes to that session; if the
 *   connection dies, it may be lost, even if its `write()` resolved;
 * - a frame written while none is open waits in the outbox (bounded by
 *   `outbox.capacity` bytes, under `outbox.overflow`) and is sent when the
 *   next session opens, before that session is handed to the loop; once
 *   handed to a session it is that session's, and is lost if it dies.
 *
 * Nothing is ever sent twice. What your protocol cannot lose, it must have
 * the peer acknowledge, and resend what was not acknowledged when a new
 * session begins.
 *
 * @example
 * ```ts
 * const client = reconnecting((signal) => connect({ host, port, signal }), { codec: lines() });
 * setInterval(() => void client.write(`ping ${Date.now()}`), 1000); // kept while disconnected
 * for await (const io of client) {
 *   try { for await (const line of io) console.log(line); } catch { /* next session *\/ }
 * }
 * ```
 */
export class ReconnectingFramedClient<TDecoded, TEncoded = TDecoded> extends ReconnectingClient<
  Framed<TDecoded, TEncoded>
> {
  readonly #outbox: FrameOutbox<TEncoded>;

  /** @internal Use `reconnecting(connect, { codec })`. */
  constructor(loop: SessionLoop<Framed<TDecoded, TEncoded>>, outbox: FrameOutbox<TEncoded>) {
    super(loop);
    this.#outbox = outbox;
  }

  /**
   * Sends `frame` on the open session (resolving like `Framed.write`), or,
   * while none is open, keeps it in the outbox for the next, under the
   * outbox's overflow policy (`'wait'` resolves once it is in). Rejects with
   * the codec's error if it cannot be encoded, `ERR_OVERFLOW` if it can
   * never fit or the policy is `'error'`, `ERR_CLOSED` once the client has
   * ended, and an `AbortError` if `signal` aborts while it waits.
   *
   * @example
   * ```ts
   * await client.write({ type: 'hello' }, { signal: AbortSignal.timeout(5000) });
   * ```
   */
  write(frame: TEncoded, options?: AbortOptions): Promise<void> {
    return this.#outbox.write(frame, options);
  }

  /** Bytes of frames waiting in the outbox for the next session. */
  get outboxSize(): number {
    return this.#outbox.size;
  }

  /** Frames the outbox's `'drop-oldest'` or `'drop-newest'` policy dropped. */
  get dropped(): number {
    return this.#outbox.dropped;
  }
}
