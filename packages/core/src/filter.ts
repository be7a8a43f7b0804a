import { checkOption } from './check-option.js';
import { Operator } from './internal/operator.js';
import { done, isPromiseLike } from './internal/util.js';
import type { Step } from './types.js';

/**
 * Keeps the values for which `predicate` returns true. The predicate may be
 * async and receives the value and its index. A type-guard predicate narrows
 * the output type.
 *
 * If the predicate throws or rejects, the source is returned and the consumer
 * gets that error. Breaking out of the loop returns the source. Calls to
 * `next()` that overlap are served one after the other, so values keep their
 * order.
 *
 * @param predicate Decides whether a value passes.
 * @returns A step for {@link pipe}.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `predicate` is not a function.
 *
 * @example Keeping non-empty lines
 * ```ts
 * const lines = pipe(['a', '', 'b'], filter((line) => line.length > 0));
 * await pipe(lines, collect()); // ['a', 'b']
 * ```
 * @example Narrowing with a type guard
 * ```ts
 * const numbers = pipe([1, 'two', 3], filter((x): x is number => typeof x === 'number'));
 * ```
 */
export function filter<T, S extends T>(predicate: (value: T, index: number) => value is S): Step<T, S>;
export function filter<T>(predicate: (value: T, index: number) => boolean | PromiseLike<boolean>): Step<T, T>;
export function filter<T>(predicate: (value: T, index: number) => boolean | PromiseLike<boolean>): Step<T, T> {
  checkOption('filter(): predicate', predicate, 'function', { required: true });
  return (source) => new FilterIterator(source, predicate);
}

class FilterIterator<T> extends Operator<T, T> {
  private index = 0;
  /** `next()` calls not yet answered; above 1, calls queue behind `tail`. */
  private inFlight = 0;
  private tail: Promise<IteratorResult<T>> | undefined;

  constructor(
    source: AsyncIterable<T>,
    private readonly predicate: (value: T, index: number) => boolean | PromiseLike<boolean>,
  ) {
    super(source);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.finished && this.inFlight === 0) return Promise.resolve(done());
    const next =
      this.inFlight++ === 0 ? this.pull() : (this.tail as Promise<IteratorResult<T>>).then(this.pull, this.pull);
    this.tail = next;
    return next;
  }

  private readonly pull = (): Promise<IteratorResult<T>> => {
    if (this.finished) return Promise.resolve(this.answer(done()));
    return this.source.next().then(this.onResult, this.onSourceError);
  };

  private readonly onResult = (result: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    if (result.done) {
      this.sourceEnded();
      return this.answer(result);
    }
    if (this.finished) return this.answer(done());
    let keep: boolean | PromiseLike<boolean>;
    try {
      keep = this.predicate(result.value, this.index++);
    } catch (err) {
      return this.failed(err);
    }
    if (typeof keep !== 'boolean' && isPromiseLike(keep)) {
      return Promise.resolve(keep).then(
        (passed) => (passed ? this.answer(result) : this.pull()),
        (err: unknown) => this.failed(err),
      );
    }
    return keep ? this.answer(result) : this.source.next().then(this.onResult, this.onSourceError);
  };

  private readonly onSourceError = (err: unknown): never => {
    this.inFlight--;
    this.sourceEnded();
    throw err;
  };

  private answer<R extends IteratorResult<T>>(result: R): R {
    this.inFlight--;
    return result;
  }

  private failed(err: unknown): Promise<never> {
    this.inFlight--;
    return this.fail(err);
  }
}
