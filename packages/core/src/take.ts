import { checkOption } from './check-option.js';
import { Operator } from './internal/operator.js';
import { done } from './internal/util.js';

/**
 * Yields the first `n` values, then finishes and returns the source, so the
 * producer behind it (a socket, a channel) is released.
 *
 * The source is returned when the value after the `n`th is asked for (as
 * `for await` and the sinks do), or at once if the consumer breaks.
 * `take(0)` never reads from the source: its first `next()` returns the
 * source and finishes.
 *
 * @param n How many values to let through: an integer of at least 0, or
 * `Infinity`.
 * @returns A step for {@link pipe}.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `n` is not a number.
 * @throws {OutOfRangeError} `ERR_OUT_OF_RANGE` if `n` is negative, a
 * fraction or `NaN`.
 *
 * @example The first line a server sends
 * ```ts
 * const [greeting] = await pipe(conn.framed(lines()), take(1), collect());
 * ```
 */
export function take(n: number): <T>(source: AsyncIterable<T>) => AsyncIterable<T> {
  checkOption('take(): n', n, { integer: [0, Infinity] }, { required: true });
  return (source) => new TakeIterator(source, n);
}

/**
 * Forwards the source's own results unchanged: no allocation per value.
 * Overlapping `next()` calls map one-to-one onto the source's.
 */
class TakeIterator<T> extends Operator<T, T> {
  constructor(
    source: AsyncIterable<T>,
    private remaining: number,
  ) {
    super(source);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.finished) return Promise.resolve(done());
    if (this.remaining <= 0) {
      this.finish();
      return this.closeSource().then(() => done());
    }
    this.remaining--;
    return this.source.next();
  }
}
