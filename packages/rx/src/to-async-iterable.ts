import { channel, checkOption, checkOptionKeys } from '@sluice/core';
import type { Observable, Subscription } from 'rxjs';
import { TO_ASYNC_ITERABLE_OPTION_KEYS } from './internal/option-keys.js';
import { checkObservable, PUSH_POLICIES } from './internal/options.js';
import type { PushOverflowPolicy } from './push-overflow-policy.js';

/**
 * Options of {@link toAsyncIterable}.
 *
 * @example
 * ```ts
 * const keepLatest: ToAsyncIterableOptions = { capacity: 1, overflow: 'drop-oldest' };
 * ```
 */
export interface ToAsyncIterableOptions {
  /**
   * How many values may wait for the loop. A value that arrives while the
   * loop is waiting goes straight to it and takes no room.
   * @default 16
   */
  capacity?: number | undefined;
  /**
   * What happens to a value that finds the buffer full; see
   * {@link PushOverflowPolicy}.
   * @default 'error'
   */
  overflow?: PushOverflowPolicy | undefined;
}

/**
 * Reads an Observable with `for await`, through a bounded buffer with a named
 * overflow policy, so that a fast Observable and a slow loop never build an
 * unbounded queue.
 *
 * Each iteration subscribes once, when the loop starts. Values wait in a core
 * `channel` of `capacity` places. When it is full:
 * - `'error'` (the default, because nothing is lost silently): the source is
 *   unsubscribed; the loop still gets the values buffered before the
 *   overflow, then throws an `OverflowError` (code `ERR_OVERFLOW`);
 * - `'drop-newest'`: the arriving value is discarded, the buffered ones kept;
 * - `'drop-oldest'`: the oldest buffered value is discarded and the arriving
 *   one kept.
 *
 * The Observable's error is thrown by the loop after the buffered values; its
 * completion ends the loop after them.
 *
 * Leaving the loop early (`break`, `return`, a throw in its body, or calling
 * the iterator's `return()`) unsubscribes from the Observable at once and
 * discards the buffered values; the Observable's own teardown runs then
 * (for `socket$`, that closes the connection).
 *
 * @example Handle ticks one at a time, keeping only the latest few
 * ```ts
 * import { interval } from 'rxjs';
 * import { toAsyncIterable } from '@sluice/rx';
 *
 * for await (const tick of toAsyncIterable(interval(10), { capacity: 4, overflow: 'drop-oldest' })) {
 *   await slowWork(tick);
 *   if (tick > 100) break; // unsubscribes from interval()
 * }
 * ```
 *
 * @param observable The Observable to read; subscribed once per iteration.
 * @param options The buffer's bound and overflow policy.
 * @returns An async iterable of the Observable's values.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `observable` has no
 * `subscribe()` method, `options` is not an object, or an option is of the
 * wrong kind (an unknown `overflow`, a `capacity` that is not a number).
 * @throws {OutOfRangeError} `ERR_OUT_OF_RANGE` if `capacity` is not an
 * integer of at least 0.
 * @see {@link observe} for the way back.
 */
export function toAsyncIterable<T>(observable: Observable<T>, options: ToAsyncIterableOptions = {}): AsyncIterable<T> {
  checkObservable('toAsyncIterable(): observable', observable);
  checkOption('toAsyncIterable(): options', options, 'object');
  checkOptionKeys('toAsyncIterable()', options, TO_ASYNC_ITERABLE_OPTION_KEYS);
  const { capacity = 16, overflow = 'error' } = options;
  checkOption('toAsyncIterable(): capacity', capacity, { integer: [1] }); // 0 would overflow on every value
  checkOption('toAsyncIterable(): overflow', overflow, PUSH_POLICIES);
  return {
    [Symbol.asyncIterator](): AsyncIterableIterator<T> {
      let subscription: Subscription | undefined;
      const buffer = channel<T>({
        capacity: capacity,
        overflow,
        onReturn: () => subscription?.unsubscribe(),
      });
      subscription = observable.subscribe({
        next(value) {
          try {
            buffer.offer(value);
          } catch {
            // 'error' policy: the channel has failed with the OverflowError.
            subscription?.unsubscribe();
          }
        },
        error: (error: unknown) => buffer.error(error),
        complete: () => buffer.end(),
      });
      // A synchronous source may have overflowed before `subscription` was set.
      if (!buffer.writable) subscription.unsubscribe();
      return buffer[Symbol.asyncIterator]();
    },
  };
}
