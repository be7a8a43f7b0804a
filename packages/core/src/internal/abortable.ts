import { AbortError } from '../errors.js';
import { done, noop } from './util.js';

interface Pending<T> {
  resolve(result: IteratorResult<T>): void;
  reject(err: unknown): void;
}

/**
 * Wraps an async iterable so that aborting `signal` ends the iteration at
 * once, even while a `next()` is pending on a source that would never
 * answer: pending and later `next()` calls reject with an `AbortError` (the
 * first one that is not already pending, once; then done), and the inner
 * iterator is returned without waiting for it.
 *
 * The abort listener is added when iteration starts and removed when it ends.
 */
export function abortable<T>(iterable: AsyncIterable<T>, signal: AbortSignal): AsyncIterableIterator<T> {
  return new Abortable(iterable, signal);
}

class Abortable<T> implements AsyncIterableIterator<T> {
  private iterator: AsyncIterator<T> | undefined;
  private readonly pending = new Set<Pending<T>>();
  /** The abort error still to be reported to a `next()` call. */
  private unreported: AbortError | undefined;
  private finished = false;

  constructor(
    private readonly iterable: AsyncIterable<T>,
    private readonly signal: AbortSignal,
  ) {}

  [Symbol.asyncIterator](): this {
    if (this.iterator === undefined) {
      this.iterator = this.iterable[Symbol.asyncIterator]();
      if (this.signal.aborted) this.onAbort();
      else this.signal.addEventListener('abort', this.onAbort, { once: true });
    }
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.unreported !== undefined) {
      const err = this.unreported;
      this.unreported = undefined;
      return Promise.reject(err);
    }
    if (this.finished) return Promise.resolve(done());
    const iterator = this.iterator as AsyncIterator<T>;
    return new Promise((resolve, reject) => {
      const entry: Pending<T> = { resolve, reject };
      this.pending.add(entry);
      iterator.next().then(
        (result) => {
          this.pending.delete(entry);
          if (result.done) this.stop();
          resolve(result);
        },
        (err: unknown) => {
          this.pending.delete(entry);
          this.stop();
          reject(err);
        },
      );
    });
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    this.unreported = undefined;
    if (this.finished) return Promise.resolve(done(value as T));
    this.stop();
    const inner = this.iterator?.return?.();
    return inner === undefined ? Promise.resolve(done(value as T)) : inner.then(() => done(value as T));
  }

  private readonly onAbort = (): void => {
    if (this.finished) return;
    this.stop();
    const err = new AbortError(this.signal.reason);
    if (this.pending.size === 0) this.unreported = err;
    for (const entry of this.pending) entry.reject(err);
    this.pending.clear();
    // The inner iterator may be blocked in a pending next(): don't wait for it.
    try {
      this.iterator?.return?.().catch(noop);
    } catch {
      // Nothing more to release: the abort error is what the consumer needs.
    }
  };

  private stop(): void {
    this.finished = true;
    this.signal.removeEventListener('abort', this.onAbort);
  }
}
