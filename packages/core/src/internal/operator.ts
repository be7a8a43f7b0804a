import { done, noop, RESOLVED } from './util.js';

/**
 * The shared skeleton of the hand-written step iterators (`map`, `filter`,
 * `take`, `tap`, `batch`). An async generator costs about twice as much per
 * item on Node 20, and its `return()` waits behind a pending `next()`; these
 * iterators forward `return()` to their source at once.
 *
 * Life cycle:
 * - The source iterator is opened lazily, by `[Symbol.asyncIterator]()`, like
 *   an async generator that has not started yet. The operator is its own
 *   iterator and can be iterated once.
 * - `finished` turns true when the consumer returns, when the operator fails,
 *   or when the source ends by itself. After that `next()` resolves done.
 * - The source is returned at most once, and never when it ended by itself
 *   (it completed or its `next()` threw), as `for await` would do.
 */
export abstract class Operator<In, Out> implements AsyncIterableIterator<Out> {
  /** The source's iterator; set by `[Symbol.asyncIterator]()`. */
  protected source!: AsyncIterator<In>;
  /** True once no more values will be produced. */
  protected finished = false;
  /** True while the source is open and would need a `return()`. */
  private sourceOpen = false;
  private opened = false;

  constructor(private readonly iterable: AsyncIterable<In>) {}

  [Symbol.asyncIterator](): this {
    if (!this.opened) {
      this.opened = true;
      this.source = this.iterable[Symbol.asyncIterator]();
      this.sourceOpen = true;
      this.onOpen();
    }
    return this;
  }

  abstract next(): Promise<IteratorResult<Out>>;

  /** Stops early: returns the source (awaiting it) and resolves done. */
  return(value?: unknown): Promise<IteratorResult<Out>> {
    this.finish();
    return this.closeSource().then(() => done(value as Out));
  }

  /** Stops because the consumer failed: returns the source, then rejects with `err`. */
  throw(err?: unknown): Promise<IteratorResult<Out>> {
    return this.fail(err);
  }

  /** Called once when iteration starts. */
  protected onOpen(): void {}

  /** Called once when the operator finishes for any reason; release timers here. */
  protected onFinish(): void {}

  /** Marks the operator finished (idempotent). */
  protected finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onFinish();
  }

  /** The source ended by itself (done, or its `next()` threw): never return it. */
  protected sourceClosed(): void {
    this.sourceOpen = false;
  }

  /** The source ended by itself and so does this operator. */
  protected sourceEnded(): void {
    this.sourceOpen = false;
    this.finish();
  }

  /** Calls the source's `return()` once; later calls resolve at once. */
  protected closeSource(): Promise<void> {
    if (!this.sourceOpen) return RESOLVED;
    this.sourceOpen = false;
    const source = this.source;
    if (typeof source.return !== 'function') return RESOLVED;
    try {
      return source.return().then(noop);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Ends the iteration because of `err`: returns the source, then rejects with
   * `err`. Should the source's `return()` also fail, `err` (the cause) wins.
   */
  protected fail(err: unknown): Promise<never> {
    this.finish();
    const rethrow = (): never => {
      throw err;
    };
    return this.closeSource().then(rethrow, rethrow);
  }
}
