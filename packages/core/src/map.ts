import { checkOption, checkOptionKeys } from './check-option.js';
import { abortable } from './internal/abortable.js';
import { Operator } from './internal/operator.js';
import { ParallelMap } from './internal/parallel-map.js';
import { done, isPromiseLike } from './internal/util.js';
import type { AbortOptions, Step } from './types.js';

/**
 * Options of {@link map}.
 *
 * @example
 * ```ts
 * const options: MapOptions = { concurrency: 8, signal: AbortSignal.timeout(5_000) };
 * ```
 */
export interface MapOptions extends AbortOptions {
  /**
   * How many calls of `fn` may run at once. Above 1, `map` reads ahead up to
   * this many values and runs `fn` on them concurrently; results are still
   * yielded in source order.
   * @default 1
   */
  concurrency?: number | undefined;
  /**
   * Aborting it ends the iteration: a pending or later `next()` rejects with
   * an `AbortError` and the source is returned. Calls of `fn` already running
   * are not interrupted.
   * @default undefined
   */
  signal?: AbortSignal | undefined;
}

/**
 * Transforms each value with `fn`, which may be async and receives the value
 * and its index.
 *
 * Values come out in source order, also when `concurrency` lets several calls
 * run at once. If `fn` throws or rejects, `map` stops reading, returns the
 * source, and rejects with that error after the results that precede it, so
 * the output is exactly what a one-at-a-time map would produce. Breaking out
 * of the loop returns the source.
 *
 * @param fn The transform; an async `fn` is awaited.
 * @param options Concurrency and cancellation, see {@link MapOptions}.
 * @returns A step for {@link pipe}.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `fn` is not a function,
 * `options` is not an object, or `signal` is not an `AbortSignal`.
 * @throws {OutOfRangeError} `ERR_OUT_OF_RANGE` if `concurrency` is not an
 * integer of at least 1.
 *
 * @example Fetching with four requests in flight, answers in order
 * ```ts
 * const users = pipe(ids, map((id) => fetchUser(id), { concurrency: 4 }));
 * for await (const user of users) console.log(user.name);
 * ```
 */
export function map<A, B>(fn: (value: A, index: number) => B | PromiseLike<B>, options: MapOptions = {}): Step<A, B> {
  checkOption('map(): fn', fn, 'function', { required: true });
  checkOption('map(): options', options, 'object');
  checkOptionKeys('map()', options, ['concurrency', 'signal']);
  const { concurrency = 1, signal } = options;
  checkOption('map(): concurrency', concurrency, { integer: [1] });
  checkOption('map(): signal', signal, 'signal');
  return (source) => {
    const mapped = concurrency === 1 ? new MapIterator(source, fn) : new ParallelMap(source, fn, concurrency);
    return signal === undefined ? mapped : abortable(mapped, signal);
  };
}

/**
 * One-at-a-time map: one pull of the source per `next()`, no per-item
 * closures (the result handlers are bound once).
 */
class MapIterator<A, B> extends Operator<A, B> {
  private index = 0;

  constructor(
    source: AsyncIterable<A>,
    private readonly fn: (value: A, index: number) => B | PromiseLike<B>,
  ) {
    super(source);
  }

  next(): Promise<IteratorResult<B>> {
    if (this.finished) return Promise.resolve(done());
    return this.source.next().then(this.onResult, this.onSourceError);
  }

  private readonly onResult = (result: IteratorResult<A>): IteratorResult<B> | PromiseLike<IteratorResult<B>> => {
    if (result.done) {
      this.sourceEnded();
      return result;
    }
    if (this.finished) return done();
    let value: B | PromiseLike<B>;
    try {
      value = this.fn(result.value, this.index++);
    } catch (err) {
      return this.fail(err);
    }
    if (isPromiseLike(value)) return value.then(this.wrap, this.onFnError);
    return { done: false, value };
  };

  private readonly wrap = (value: B): IteratorResult<B> => ({ done: false, value });

  private readonly onFnError = (err: unknown): Promise<never> => this.fail(err);

  private readonly onSourceError = (err: unknown): never => {
    this.sourceEnded();
    throw err;
  };
}
