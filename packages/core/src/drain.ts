import { asAsyncIterable } from './internal/as-async-iterable.js';

/**
 * A sink that reads the source to its end and discards the values: for
 * pipelines whose steps do the work (`tap`, `map` with side effects).
 *
 * @returns A sink for {@link pipe}, resolving once the source has ended and
 * rejecting with the first error of any step, or with an
 * `InvalidArgumentError` (`ERR_INVALID_ARG`) if given something that is not
 * iterable.
 *
 * @example
 * ```ts
 * await pipe(conn, tap((chunk) => file.write(chunk)), drain());
 * ```
 */
export function drain(): (source: AsyncIterable<unknown>) => Promise<void> {
  return async (source: AsyncIterable<unknown>): Promise<void> => {
    const iterator = asAsyncIterable('drain(): source', source)[Symbol.asyncIterator]();
    while (!(await iterator.next()).done) {
      // Nothing to do with the value.
    }
  };
}
