import { checkOption } from './check-option.js';
import { asAsyncIterable } from './internal/as-async-iterable.js';
import { isPromiseLike } from './internal/util.js';

/**
 * A sink that calls `fn` with each value and its index, awaiting it when it
 * is async, so one value is handled at a time and the source is read no
 * faster than `fn` keeps up.
 *
 * If `fn` throws or rejects, the source is returned and the returned promise
 * rejects with that error.
 *
 * @param fn The handler for each value.
 * @returns A sink for {@link pipe}, resolving once every value was handled. It
 * rejects with an `InvalidArgumentError` (`ERR_INVALID_ARG`) if given
 * something that is not iterable.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `fn` is not a function.
 *
 * @example Replying to each line
 * ```ts
 * await pipe(conn.framed(lines()), forEach(async (line) => conn.write(`echo: ${line}\n`)));
 * ```
 */
export function forEach<T>(fn: (value: T, index: number) => unknown): (source: AsyncIterable<T>) => Promise<void> {
  checkOption('forEach(): fn', fn, 'function', { required: true });
  return async (source: AsyncIterable<T>): Promise<void> => {
    let index = 0;
    for await (const value of asAsyncIterable<T>('forEach(): source', source)) {
      const effect = fn(value, index++);
      if (isPromiseLike(effect)) await effect;
    }
  };
}
