import { asAsyncIterable } from './internal/as-async-iterable.js';

/**
 * A sink that reads the whole source into an array. Use it on sources you
 * know to be finite (add a {@link take} first otherwise).
 *
 * @returns A sink for {@link pipe}, resolving with every value in order. It
 * rejects with an `InvalidArgumentError` (`ERR_INVALID_ARG`) if given
 * something that is not iterable.
 *
 * @example
 * ```ts
 * const squares = await pipe([1, 2, 3], map((n) => n * n), collect()); // [1, 4, 9]
 * ```
 */
export function collect(): <T>(source: AsyncIterable<T>) => Promise<T[]> {
  return async <T>(source: AsyncIterable<T>): Promise<T[]> => {
    const values: T[] = [];
    for await (const value of asAsyncIterable<T>('collect(): source', source)) values.push(value);
    return values;
  };
}
