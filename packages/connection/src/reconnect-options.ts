import type { Codec } from '@sluice/codec';
import type { AbortOptions, OverflowPolicy } from '@sluice/core';

/**
 * What `onRetry` is told before each wait of a {@link reconnecting} client.
 *
 * @example
 * ```ts
 * const onRetry = ({ error, attempt, delay }: RetryInfo) =>
 *   console.warn(`${attempt === 0 ? 'connection lost' : `attempt ${attempt} failed`} (${error ?? 'closed'}); retrying in ${delay} ms`);
 * ```
 */
export interface RetryInfo {
  /**
   * Why the attempt failed: what `connect` threw or rejected with
   * (`ECONNREFUSED`, `ERR_CONNECT_TIMEOUT`, …); with `attempt` 0, why the
   * connection ended (`conn.error`: `undefined` if it closed cleanly).
   */
  readonly error: unknown;
  /**
   * How many attempts in a row have failed, this one included: 1, 2, 3…; 0
   * for the wait after a connection that ended sooner than `resetAfter`.
   */
  readonly attempt: number;
  /** How long the client waits before the next attempt, in milliseconds. */
  readonly delay: number;
}

/**
 * Where a {@link reconnecting} client with a `codec` keeps the frames
 * `client.write()` is given while no session is open, until the next session
 * opens and they are sent, oldest first.
 *
 * @example
 * ```ts
 * const outbox: OutboxOptions = { capacity: 64 * 1024, overflow: 'drop-oldest' }; // keep the latest 64 KiB
 * ```
 */
export interface OutboxOptions {
  /**
   * How many bytes of frames may wait, measured as the codec encodes them.
   * @default 1048576 (1 MiB)
   */
  capacity?: number | undefined;
  /**
   * What `write()` does with a frame that finds the outbox full:
   * - `'wait'`: waits for room (a session opens, or frames leave); abort it with `write(frame, { signal })`;
   * - `'drop-oldest'`: drops the oldest waiting frames (counted in `dropped`) to make room;
   * - `'drop-newest'`: drops the new frame (counted in `dropped`);
   * - `'error'`: rejects this write with an `OverflowError` (`ERR_OVERFLOW`); the frames waiting stay.
   *
   * A frame larger than `capacity` is refused with `ERR_OVERFLOW` under every policy.
   * @default 'wait'
   */
  overflow?: OverflowPolicy | undefined;
}

/**
 * Options of {@link reconnecting}. Between attempts the client waits a
 * random time from 0 up to a ceiling ("full jitter") that starts at
 * `initialDelay` and is multiplied by `factor` after each wait, up to
 * `maxDelay`.
 *
 * @example
 * ```ts
 * const options: ReconnectOptions = { initialDelay: 250, maxDelay: 10_000, attempts: 20, signal: AbortSignal.timeout(60_000) };
 * ```
 */
export interface ReconnectOptions<TDecoded = unknown, TEncoded = TDecoded> extends AbortOptions {
  /**
   * The ceiling of the first wait, in milliseconds.
   * @default 100
   */
  initialDelay?: number | undefined;
  /**
   * The largest ceiling of a wait, in milliseconds.
   * @default 30000
   */
  maxDelay?: number | undefined;
  /**
   * What the ceiling is multiplied by after each wait (at least 1).
   * @default 2
   */
  factor?: number | undefined;
  /**
   * How many connection attempts in a row may fail; past that, the loop
   * throws a `ReconnectFailedError` (`ERR_RECONNECT_FAILED`) whose `cause`
   * is the last failure. A connected session starts the count again.
   * @default Infinity
   */
  attempts?: number | undefined;
  /**
   * A session that lasted this long (milliseconds) resets the backoff: the
   * next connection is attempted at once. After a shorter one, the client
   * waits as after a failure, so a server that accepts and hangs up at once
   * is not hammered.
   * @default 5000
   */
  resetAfter?: number | undefined;
  /**
   * Told before each wait: why the attempt failed (or the connection
   * ended) and how long the client waits before the next. A throw (or a rejection) is contained and reported; the client
   * carries on. Abort `signal` from here to give up on an error.
   * @default undefined
   */
  onRetry?: ((info: RetryInfo) => unknown) | undefined;
  /**
   * Ends the client: a backoff wait or an attempt stops at once, the open
   * session's connection is closed, and the loop ends (without an error).
   * @default undefined
   */
  signal?: AbortSignal | undefined;
  /**
   * With a codec, each session is the connection's `Framed` (through this
   * codec), and `client.write(frame)` works while connected or not.
   * @default undefined
   */
  codec?: Codec<TDecoded, TEncoded> | undefined;
  /**
   * The outbox of a client with a `codec`.
   * @default { capacity: 1048576, overflow: 'wait' }
   */
  outbox?: OutboxOptions | undefined;
}
