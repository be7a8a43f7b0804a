import { checkOption, checkOptionKeys } from './check-option.js';
import { ChannelImpl } from './internal/channel-impl.js';
import type { AbortOptions } from './types.js';

/**
 * What a full {@link channel} does with a new value:
 * - `'wait'`: `push` waits for room; `offer` refuses (returns false).
 * - `'drop-newest'`: the new value is dropped and counted.
 * - `'drop-oldest'`: the oldest buffered value is dropped and counted; the new one is taken.
 * - `'error'`: the channel fails with an `OverflowError`, which `offer` and `push` also throw.
 *
 * @example
 * ```ts
 * const latest = channel<Frame>({ capacity: 1, overflow: 'drop-oldest' satisfies OverflowPolicy });
 * ```
 */
export type OverflowPolicy = 'wait' | 'drop-newest' | 'drop-oldest' | 'error';

/**
 * Options of {@link channel}.
 *
 * @example
 * ```ts
 * const options: ChannelOptions = { capacity: 64, overflow: 'wait', onReturn: () => socket.destroy() };
 * ```
 */
export interface ChannelOptions extends AbortOptions {
  /**
   * How many values may wait in the buffer for the consumer. With 0, a value
   * is only taken when the consumer is waiting for one (a rendezvous).
   * @default 16
   */
  capacity?: number | undefined;
  /**
   * What to do with a value when the buffer is full.
   * @default 'wait'
   */
  overflow?: OverflowPolicy | undefined;
  /**
   * Aborting it fails the channel with an `AbortError` (as `error()` would):
   * the consumer gets the buffered values, then the error.
   * @default undefined
   */
  signal?: AbortSignal | undefined;
  /**
   * Called once if the consumer leaves before the end (`break`, `return()`),
   * so the producer's owner (a socket) can tear down. If it throws, the
   * `return()` that called it rejects with what it threw (a `for await`
   * left with `break` throws it); the channel is closed all the same.
   * @default undefined
   */
  onReturn?: (() => void) | undefined;
}

/**
 * A bounded queue between producers and one consumer. Producers `push`
 * (waiting for room) or `offer` (never waiting); the consumer iterates.
 * Created by {@link channel}.
 *
 * @example A socket's data events feeding a loop, with backpressure
 * ```ts
 * const ch: Channel<Uint8Array> = channel({ onReturn: () => socket.destroy() });
 * socket.on('data', (chunk) => {
 *   if (!ch.offer(chunk)) {
 *     socket.pause();
 *     ch.push(chunk).then(() => socket.resume(), () => {});
 *   }
 * });
 * socket.on('end', () => ch.end());
 * socket.on('error', (err) => ch.error(err));
 * ```
 */
export interface Channel<T> extends AsyncIterable<T> {
  /**
   * Adds `value`, resolving once it is accepted: at once if there is room or
   * the consumer is waiting, otherwise when room frees (policy `'wait'`; the
   * other policies behave like {@link Channel.offer} and resolve at once).
   * Rejects with a `ClosedError` if the channel is or becomes closed before
   * the value is accepted, and with an `AbortError` if `options.signal` aborts
   * first. Accepted values are delivered in order. Rejects (never throws)
   * with an `InvalidArgumentError` (`ERR_INVALID_ARG`) if `options` is not an
   * object or its `signal` is not an `AbortSignal`.
   */
  push(value: T, options?: AbortOptions): Promise<void>;
  /**
   * Adds `value` without waiting; returns whether it was accepted. A full
   * channel applies its {@link OverflowPolicy}. A closed channel returns false.
   */
  offer(value: T): boolean;
  /** No more values: the consumer drains the buffer, then finishes. Idempotent; the first of `end`/`error` wins. */
  end(): void;
  /** Fails the channel: the consumer drains the buffer, then gets `err`. Idempotent; the first of `end`/`error` wins. */
  error(err: unknown): void;
  /**
   * The single consumer's iterator; a second call throws an
   * `AlreadyConsumedError`. Its `return()` (`break`) closes the channel: the
   * buffer is cleared, pending and later pushes reject with a `ClosedError`,
   * and `onReturn` is called.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T>;
  /** How many values are buffered. */
  readonly size: number;
  /** The buffer's bound. */
  readonly capacity: number;
  /** How many values the `'drop-newest'`/`'drop-oldest'` policies dropped. */
  readonly dropped: number;
  /** True while pushes are accepted; false once ended, failed, aborted or returned. */
  readonly writable: boolean;
}

/**
 * Creates a bounded {@link Channel}: the meeting point of producers (a
 * socket's data events, a timer, another pipeline) and one `for await`
 * consumer, with backpressure.
 *
 * Nothing accepted is lost: after `end()` or `error()` the consumer still
 * gets every buffered value. The buffer never grows past `capacity`. A value
 * buffered and immediately available costs no timer or extra promise layer.
 *
 * @param options Capacity, overflow policy and hooks, see {@link ChannelOptions}.
 * @returns A new, open channel.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `options` is not an
 * object or an option is of the wrong kind (an unknown `overflow`, a `signal`
 * that is not an `AbortSignal`, an `onReturn` that is not a function).
 * @throws {OutOfRangeError} `ERR_OUT_OF_RANGE` if `capacity` is not an
 * integer of at least 0.
 *
 * @example A producer with backpressure and a consumer
 * ```ts
 * const ch = channel<string>({ capacity: 2 });
 * (async () => {
 *   for (const word of ['a', 'b', 'c']) await ch.push(word); // waits while 2 are buffered
 *   ch.end();
 * })();
 * for await (const word of ch) console.log(word); // a, b, c
 * ```
 * @example Lossy telemetry: keep the freshest readings
 * ```ts
 * const readings = channel<number>({ capacity: 100, overflow: 'drop-oldest' });
 * sensor.on('reading', (value) => readings.offer(value));
 * ```
 */
export function channel<T>(options: ChannelOptions = {}): Channel<T> {
  checkOption('channel(): options', options, 'object');
  checkOptionKeys('channel()', options, ['capacity', 'overflow', 'signal', 'onReturn']);
  const { capacity = 16, overflow = 'wait' } = options;
  checkOption('channel(): capacity', capacity, { integer: [0] });
  checkOption('channel(): overflow', overflow, { oneOf: OVERFLOW_POLICIES });
  checkOption('channel(): signal', options.signal, 'signal');
  checkOption('channel(): onReturn', options.onReturn, 'function');
  return new ChannelImpl<T>(capacity, options);
}

const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ['wait', 'drop-newest', 'drop-oldest', 'error'];
