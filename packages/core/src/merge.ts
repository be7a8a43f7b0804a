import { asAsyncIterable } from './internal/as-async-iterable.js';
import { done, noop } from './internal/util.js';
import type { Source } from './types.js';

/** The element type of a sync or async iterable. */
type ElementOf<S> = S extends AsyncIterable<infer T> ? T : S extends Iterable<infer T> ? T : never;

/**
 * Reads several sources at once and yields their values as they arrive.
 * `merge` is a source, not a step: use it first in a {@link pipe}.
 *
 * Each source has at most one read outstanding, and is read again only once
 * its previous value has been handed to the consumer, so at most one value
 * per source is buffered. Values of one source keep their order.
 *
 * - The merged stream ends when every source has ended.
 * - If a source fails, every other source is returned, the values that had
 *   already arrived are delivered, then the consumer gets the error.
 * - Breaking out of the loop returns every source that has not ended. Their
 *   `return()` is called but not awaited: an async generator's would wait
 *   behind the outstanding read, possibly forever.
 *
 * @param sources The iterables to read from; sync ones are adapted.
 * @returns One async iterable of all their values.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if a source is not iterable
 * (the message gives its position, from 1).
 *
 * @example Serving two connections in one loop
 * ```ts
 * for await (const message of merge(connA.framed(lines()), connB.framed(lines()))) {
 *   console.log(message);
 * }
 * ```
 */
export function merge<S extends ReadonlyArray<Source<unknown>>>(...sources: S): AsyncIterable<ElementOf<S[number]>> {
  const iterables = sources.map((source, i) => asAsyncIterable(`merge(): source ${i + 1}`, source));
  return {
    [Symbol.asyncIterator]: () => new MergeIterator(iterables) as AsyncIterator<ElementOf<S[number]>>,
  };
}

interface Waiter<T> {
  resolve(result: IteratorResult<T>): void;
  reject(err: unknown): void;
}

/** One source's iterator and whether it still needs a `return()`. */
interface Lane<T> {
  iterator: AsyncIterator<T>;
  open: boolean;
}

class MergeIterator<T> implements AsyncIterableIterator<T> {
  private readonly lanes: Lane<T>[] = [];
  /** Values that arrived before anyone asked, with the lane to read again. */
  private readonly ready: Array<{ value: T; lane: Lane<T> }> = [];
  private readonly waiters: Waiter<T>[] = [];
  private active = 0;
  private failure: { error: unknown } | undefined;
  private finished = false;

  constructor(iterables: AsyncIterable<T>[]) {
    try {
      for (const iterable of iterables) this.lanes.push({ iterator: iterable[Symbol.asyncIterator](), open: true });
    } catch (err) {
      this.fail(err);
      return;
    }
    this.active = this.lanes.length;
    for (const lane of this.lanes) this.read(lane);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.ready.shift();
    if (item !== undefined) {
      this.read(item.lane);
      return Promise.resolve({ done: false, value: item.value });
    }
    if (this.failure !== undefined) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.finished || this.active === 0) {
      this.finished = true;
      return Promise.resolve(done());
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    this.finished = true;
    this.failure = undefined;
    this.ready.length = 0;
    this.closeAll();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(done());
    return Promise.resolve(done(value as T));
  }

  private read(lane: Lane<T>): void {
    if (this.finished || !lane.open) return;
    let pending: Promise<IteratorResult<T>>;
    try {
      pending = lane.iterator.next();
    } catch (err) {
      lane.open = false;
      this.fail(err);
      return;
    }
    pending.then(
      (result) => {
        if (this.finished) return;
        if (result.done) {
          lane.open = false;
          this.active--;
          if (this.active === 0 && this.ready.length === 0) this.end();
          return;
        }
        const waiter = this.waiters.shift();
        if (waiter === undefined) this.ready.push({ value: result.value, lane });
        else {
          waiter.resolve({ done: false, value: result.value });
          this.read(lane);
        }
      },
      (err: unknown) => {
        lane.open = false;
        if (!this.finished) this.fail(err);
      },
    );
  }

  /** A source failed: return the others, deliver what arrived, then the error. */
  private fail(error: unknown): void {
    this.finished = true;
    this.closeAll();
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.failure = { error };
    else waiter.reject(error);
    this.end();
  }

  private end(): void {
    this.finished = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve(done());
  }

  private closeAll(): void {
    for (const lane of this.lanes) {
      if (!lane.open) continue;
      lane.open = false;
      try {
        lane.iterator.return?.().catch(noop);
      } catch {
        // A source that fails to close has nothing more to give us.
      }
    }
  }
}
