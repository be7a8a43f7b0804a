// The shapes that `pipe` composes: where values come from, the steps they go
// through, and the sink that consumes them.

/**
 * Anything values can be read from: a sync or async iterable (arrays, sets,
 * generators, channels, sockets).
 *
 * @example
 * ```ts
 * const a: Source<number> = [1, 2, 3];
 * const b: Source<number> = channel<number>();
 * ```
 */
export type Source<T> = Iterable<T> | AsyncIterable<T>;

/**
 * A transform: takes an async iterable and returns another. Steps are lazy:
 * nothing is read until the result is iterated. A well-behaved step calls
 * `return()` on its source when it stops early or fails, and forwards its own
 * `return()` to the source.
 *
 * @example
 * ```ts
 * const double: Step<number, number> = map((n) => n * 2);
 * ```
 */
export type Step<A, B> = (source: AsyncIterable<A>) => AsyncIterable<B>;

/**
 * The end of a pipeline: consumes an async iterable and resolves with a
 * result.
 *
 * @example
 * ```ts
 * const sum: Sink<number, number> = async (source) => {
 *   let total = 0;
 *   for await (const n of source) total += n;
 *   return total;
 * };
 * ```
 */
export type Sink<A, R> = (source: AsyncIterable<A>) => Promise<R>;

/**
 * The options of one async operation, the same in every package: aborting
 * `signal` makes the operation reject with an `AbortError` (code
 * `ABORT_ERR`), and one already aborted makes it reject at once, having done
 * nothing. Options of functions that take more extend it.
 *
 * @example
 * ```ts
 * await ch.push(frame, { signal: AbortSignal.timeout(1_000) }); // give up after a second of backpressure
 * await conn.write(bytes, { signal });
 * ```
 */
export interface AbortOptions {
  /** Cancels the operation. @default undefined */
  signal?: AbortSignal | undefined;
}
