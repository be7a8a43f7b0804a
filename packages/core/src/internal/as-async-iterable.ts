import { checkOption } from '../check-option.js';
import { done } from './util.js';

/**
 * Adapts a source to an `AsyncIterable`, once per pipeline (never per value).
 * Async iterables are returned as they are; a sync iterable is wrapped once
 * in a thin async iterator (no async generator, no per-item closure) that
 * forwards `return()` to the sync iterator. Values are not awaited: an
 * `Iterable<Promise<X>>` yields promises. Anything else throws an
 * `InvalidArgumentError` naming `label` (`'pipe(): source'`).
 */
export function asAsyncIterable<T>(label: string, source: unknown): AsyncIterable<T> {
  checkOption(label, source, 'iterable', { required: true });
  if (typeof (source as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] === 'function') {
    return source as AsyncIterable<T>;
  }
  return new SyncSource(source as Iterable<T>);
}

/** Re-iterable like the iterable it wraps: each iteration gets its own iterator. */
class SyncSource<T> implements AsyncIterable<T> {
  constructor(private readonly iterable: Iterable<T>) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new SyncSourceIterator(this.iterable[Symbol.iterator]());
  }
}

class SyncSourceIterator<T> implements AsyncIterableIterator<T> {
  private finished = false;

  constructor(private readonly iterator: Iterator<T>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.finished) return Promise.resolve(done());
    try {
      const result = this.iterator.next();
      if (result.done) this.finished = true;
      return Promise.resolve(result);
    } catch (err) {
      this.finished = true;
      return Promise.reject(err);
    }
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    if (this.finished) return Promise.resolve(done(value as T));
    this.finished = true;
    try {
      this.iterator.return?.();
      return Promise.resolve(done(value as T));
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
