import { checkOption } from './check-option.js';
import { Operator } from './internal/operator.js';
import { done, isPromiseLike } from './internal/util.js';
import type { Step } from './types.js';

/**
 * Calls `fn` with each value and its index for a side effect (logging,
 * metrics), then passes the value on unchanged. An async `fn` is awaited
 * before the value goes on, so it also paces the stream.
 *
 * If `fn` throws or rejects, the source is returned and the consumer gets
 * that error. Breaking out of the loop returns the source.
 *
 * @param fn The side effect.
 * @returns A step for {@link pipe}.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `fn` is not a function.
 *
 * @example Counting bytes as they pass
 * ```ts
 * let received = 0;
 * const counted = pipe(conn, tap((chunk) => { received += chunk.length; }));
 * ```
 */
export function tap<T>(fn: (value: T, index: number) => unknown): Step<T, T> {
  checkOption('tap(): fn', fn, 'function', { required: true });
  return (source) => new TapIterator(source, fn);
}

class TapIterator<T> extends Operator<T, T> {
  private index = 0;

  constructor(
    source: AsyncIterable<T>,
    private readonly fn: (value: T, index: number) => unknown,
  ) {
    super(source);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.finished) return Promise.resolve(done());
    return this.source.next().then(this.onResult, this.onSourceError);
  }

  private readonly onResult = (result: IteratorResult<T>): IteratorResult<T> | PromiseLike<IteratorResult<T>> => {
    if (result.done) {
      this.sourceEnded();
      return result;
    }
    if (this.finished) return done();
    let effect: unknown;
    try {
      effect = this.fn(result.value, this.index++);
    } catch (err) {
      return this.fail(err);
    }
    if (isPromiseLike(effect)) return effect.then(() => result, this.onFnError);
    return result;
  };

  private readonly onFnError = (err: unknown): Promise<never> => this.fail(err);

  private readonly onSourceError = (err: unknown): never => {
    this.sourceEnded();
    throw err;
  };
}
