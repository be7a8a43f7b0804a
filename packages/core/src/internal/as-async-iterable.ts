import { InvalidArgumentError } from '../errors.js';
import type { Source } from '../types.js';
import { describeValue, done } from './util.js';

/**
 * Adapts a source to an `AsyncIterable`. Async iterables are returned as they
 * are; a sync iterable is wrapped once in a thin async iterator (no async
 * generator, no per-item closure) that forwards `return()` to the sync
 * iterator. Values are not awaited: an `Iterable<Promise<X>>` yields promises.
 */
export function asAsyncIterable<T>(source: Source<T>): AsyncIterable<T> {
  if (source != null) {
    if (typeof (source as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] === 'function') {
      return source as AsyncIterable<T>;
    }
    if (typeof (source as Partial<Iterable<T>>)[Symbol.iterator] === 'function') {
      return new SyncSource(source as Iterable<T>);
    }
  }
  throw new InvalidArgumentError(`Expected an iterable or async iterable as source: got ${describeValue(source)}`);
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
