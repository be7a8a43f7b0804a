import { checkOption, checkOptionKeys } from './check-option.js';
import { InvalidArgumentError } from './errors.js';
import { Operator } from './internal/operator.js';
import { done, noop } from './internal/util.js';

/**
 * Options of {@link batch}; at least one of them must be finite.
 *
 * @example
 * ```ts
 * const everySecondOr100: BatchOptions = { size: 100, maxWait: 1_000 };
 * ```
 */
export interface BatchOptions {
  /**
   * Emit a batch as soon as it holds this many values: an integer of at
   * least 1, or `Infinity`.
   * @default Infinity
   */
  size?: number | undefined;
  /**
   * Emit a batch at the latest this many milliseconds after its first value
   * arrived, however small it is: an integer from 0 to 2^31 - 1 (the longest
   * delay a timer can wait), or `Infinity`.
   * @default Infinity
   */
  maxWait?: number | undefined;
}

/**
 * Groups values into arrays, by count (`size`), by time (`maxWait`), or
 * whichever comes first. No empty batch is ever emitted.
 *
 * `batch` keeps at most one read of the source outstanding and races it
 * against the timer: when the timer fires, the partial batch is emitted and
 * the outstanding read is kept for the next batch, so no value is lost. At
 * the end of the source the last partial batch is emitted; if the source
 * fails, the partial batch is emitted first, then the error. No timer is left
 * running once the iteration ends, however it ends. Breaking out of the loop
 * returns the source.
 *
 * @param options `size` and/or `maxWait`, see {@link BatchOptions}.
 * @returns A step for {@link pipe}.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `options` is not an
 * object, an option is not a number, or neither `size` nor `maxWait` is set.
 * @throws {OutOfRangeError} `ERR_OUT_OF_RANGE` if `size` or `maxWait` is out
 * of its range.
 *
 * @example Writing rows 500 at a time, or every 100 ms when traffic is low
 * ```ts
 * await pipe(rows, batch({ size: 500, maxWait: 100 }), forEach((chunk) => db.insert(chunk)));
 * ```
 */
export function batch(options: BatchOptions): <T>(source: AsyncIterable<T>) => AsyncIterable<T[]> {
  checkOption('batch(): options', options, 'object', { required: true });
  checkOptionKeys('batch()', options, ['size', 'maxWait']);
  const { size = Infinity, maxWait = Infinity } = options;
  checkOption('batch(): size', size, { integer: [1, Infinity] });
  checkOption('batch(): maxWait', maxWait, 'timeout');
  if (size === Infinity && maxWait === Infinity) {
    throw new InvalidArgumentError(
      'batch(): options must set a finite size or maxWait (a batch without either is unbounded), got neither',
    );
  }
  return (source) => new BatchIterator(source, size, maxWait);
}

class BatchIterator<T> extends Operator<T, T[]> {
  private buffer: T[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The timer fired: the current batch is due. */
  private due = false;
  private pulling = false;
  private sourceDone = false;
  private failure: { error: unknown } | undefined;
  /** Wakes the `next()` call waiting for a value, the timer or the end. */
  private wake: (() => void) | undefined;
  /** Overlapping `next()` calls queue behind this one. */
  private tail: Promise<IteratorResult<T[]>> = Promise.resolve(done());

  constructor(
    source: AsyncIterable<T>,
    private readonly size: number,
    private readonly maxWait: number,
  ) {
    super(source);
  }

  next(): Promise<IteratorResult<T[]>> {
    const next = this.tail.then(this.produce, this.produce);
    this.tail = next;
    return next;
  }

  override return(value?: unknown): Promise<IteratorResult<T[]>> {
    const pulling = this.pulling;
    this.finish();
    const closed = this.closeSource();
    // An async generator's return() waits behind our outstanding next(),
    // possibly forever: do not make the consumer wait for it.
    if (pulling) {
      closed.catch(noop);
      return Promise.resolve(done(value as T[]));
    }
    return closed.then(() => done(value as T[]));
  }

  protected override onFinish(): void {
    this.stopTimer();
    this.buffer = [];
    this.wakeUp();
  }

  private readonly produce = async (): Promise<IteratorResult<T[]>> => {
    for (;;) {
      if (this.finished) return done();
      const buffered = this.buffer.length;
      if (buffered >= this.size || (buffered > 0 && (this.due || this.sourceDone))) return this.emit();
      if (this.sourceDone) {
        const failure = this.failure;
        this.finish();
        if (failure !== undefined) throw failure.error;
        return done();
      }
      if (!this.pulling) {
        this.pulling = true;
        this.source.next().then(this.onResult, this.onSourceError);
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  };

  private emit(): IteratorResult<T[]> {
    const value = this.buffer;
    this.buffer = [];
    this.stopTimer();
    return { done: false, value };
  }

  private readonly onResult = (result: IteratorResult<T>): void => {
    this.pulling = false;
    if (this.finished) return;
    if (result.done) {
      this.sourceDone = true;
      this.sourceClosed();
    } else {
      this.buffer.push(result.value);
      if (this.buffer.length === 1 && this.maxWait !== Infinity && this.size > 1) {
        this.timer = setTimeout(this.onTimer, this.maxWait);
      }
    }
    this.wakeUp();
  };

  private readonly onSourceError = (error: unknown): void => {
    this.pulling = false;
    this.sourceClosed();
    if (this.finished) return;
    this.sourceDone = true;
    this.failure = { error };
    this.wakeUp();
  };

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.due = true;
    this.wakeUp();
  };

  private stopTimer(): void {
    this.due = false;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
