import { checkOption } from './check-option.js';
import { asAsyncIterable } from './internal/as-async-iterable.js';
import type { Source, Step } from './types.js';

/**
 * What {@link pipe} accepts as its source: an iterable, or a function
 * returning one (called once, when `pipe` is called).
 *
 * @example
 * ```ts
 * const fromArray: PipeSource<number> = [1, 2, 3];
 * const fromGenerator: PipeSource<number> = function* () { yield 1; };
 * ```
 */
export type PipeSource<T> = Source<T> | (() => Source<T>);

/** What the last argument of {@link pipe} may return: a stream, or a sink's promise. */
type Output = AsyncIterable<unknown> | Promise<unknown>;

/**
 * Composes a source with steps, left to right, and returns what the last one
 * returns: an `AsyncIterable` if it is a step, the sink's `Promise` if it is a
 * sink (`collect()`, `drain()`, `forEach()`).
 *
 * `pipe` is plain function composition: it adds no layer per value. A sync
 * iterable source is adapted to an async one once, and a function source is
 * called once, right away. Errors and early exits travel through the steps:
 * a failing step returns its source, and breaking out of the loop calls
 * `return()` on every step down to the source.
 *
 * The steps (`s1` to `s10`) are transforms, and the last may be a sink. Up
 * to ten steps per call, each checked against the previous one's output;
 * for more, pass one `pipe(...)` as the source of another.
 *
 * Every argument is checked before anything runs: a source that is not
 * iterable (or a function source returning one that is not), and a step that
 * is not a function, throw an `InvalidArgumentError` (`ERR_INVALID_ARG`)
 * naming the source or the step's position (from 1). So does a step before
 * the last that returns something not iterable, when it is called.
 *
 * @param source Where values come from.
 * @returns The last step's result.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` for a source, a step, or a
 * step's output of the wrong kind, as above.
 *
 * @example A stream
 * ```ts
 * const tens = pipe([1, 2, 3, 4], filter((n) => n % 2 === 0), map((n) => n * 10));
 * for await (const n of tens) console.log(n); // 20, 40
 * ```
 * @example Ending in a sink
 * ```ts
 * const firstTwo = await pipe(socketLines, take(2), collect()); // Promise<string[]>
 * ```
 */
export function pipe<A>(source: PipeSource<A>): AsyncIterable<A>;
export function pipe<A, O extends Output>(source: PipeSource<A>, s1: (source: AsyncIterable<A>) => O): O;
export function pipe<A, B, O extends Output>(
  source: PipeSource<A>,
  s1: Step<A, B>,
  s2: (source: AsyncIterable<B>) => O,
): O;
export function pipe<A, B, C, O extends Output>(
  source: PipeSource<A>,
  s1: Step<A, B>,
  s2: Step<B, C>,
  s3: (source: AsyncIterable<C>) => O,
): O;
export function pipe<A, B, C, D, O extends Output>(
  source: PipeSource<A>,
  s1: Step<A, B>,
  s2: Step<B, C>,
  s3: Step<C, D>,
  s4: (source: AsyncIterable<D>) => O,
): O;
export function pipe<A, B, C, D, E, O extends Output>(
  source: PipeSource<A>,
  s1: Step<A, B>,
  s2: Step<B, C>,
  s3: Step<C, D>,
  s4: Step<D, E>,
  s5: (source: AsyncIterable<E>) => O,
): O;
export function pipe<A, B, C, D, E, F, O extends Output>(
  source: PipeSource<A>,
  s1: Step<A, B>,
  s2: Step<B, C>,
  s3: Step<C, D>,
  s4: Step<D, E>,
  s5: Step<E, F>,
  s6: (source: AsyncIterable<F>) => O,
): O;
export function pipe<A, B, C, D, E, F, G, O extends Output>(
  source: PipeSource<A>,
  s1: Step<A, B>,
  s2: Step<B, C>,
  s3: Step<C, D>,
  s4: Step<D, E>,
  s5: Step<E, F>,
  s6: Step<F, G>,
  s7: (source: AsyncIterable<G>) => O,
): O;
export function pipe<A, B, C, D, E, F, G, H, O extends Output>(
  source: PipeSource<A>,
  s1: Step<A, B>,
  s2: Step<B, C>,
  s3: Step<C, D>,
  s4: Step<D, E>,
  s5: Step<E, F>,
  s6: Step<F, G>,
  s7: Step<G, H>,
  s8: (source: AsyncIterable<H>) => O,
): O;
export function pipe<A, B, C, D, E, F, G, H, I, O extends Output>(
  source: PipeSource<A>,
  s1: Step<A, B>,
  s2: Step<B, C>,
  s3: Step<C, D>,
  s4: Step<D, E>,
  s5: Step<E, F>,
  s6: Step<F, G>,
  s7: Step<G, H>,
  s8: Step<H, I>,
  s9: (source: AsyncIterable<I>) => O,
): O;
export function pipe<A, B, C, D, E, F, G, H, I, J, O extends Output>(
  source: PipeSource<A>,
  s1: Step<A, B>,
  s2: Step<B, C>,
  s3: Step<C, D>,
  s4: Step<D, E>,
  s5: Step<E, F>,
  s6: Step<F, G>,
  s7: Step<G, H>,
  s8: Step<H, I>,
  s9: Step<I, J>,
  s10: (source: AsyncIterable<J>) => O,
): O;
export function pipe(
  source: PipeSource<unknown>,
  ...steps: Array<(source: AsyncIterable<unknown>) => unknown>
): unknown {
  for (const [i, step] of steps.entries()) {
    checkOption(`pipe(): step ${i + 1}`, step, 'function', { required: true });
  }
  let current: unknown =
    typeof source === 'function'
      ? asAsyncIterable('pipe(): what source() returned', source())
      : asAsyncIterable('pipe(): source', source);
  for (const [i, step] of steps.entries()) {
    current = step(current as AsyncIterable<unknown>);
    // A sink may end the pipeline; the output of every other step feeds the next one.
    if (i < steps.length - 1) current = asAsyncIterable(`pipe(): what step ${i + 1} returned`, current);
  }
  return current;
}
