import { Operator } from './operator.js';
import { done, isPromiseLike, noop } from './util.js';

/** One value's result, kept in source order until the consumer takes it. */
interface Slot<B> {
  /** 0: running, 1: fulfilled, 2: rejected. */
  state: 0 | 1 | 2;
  value: B | undefined;
  error: unknown;
}

interface Waiter<B> {
  resolve(result: IteratorResult<B>): void;
  reject(err: unknown): void;
}

/**
 * `map` with `concurrency > 1`. A window of at most `limit` values (running
 * or finished but not yet taken) is read ahead of the consumer, with one
 * source `next()` outstanding at a time, and `fn` starts on each value as it
 * arrives. Results are handed out in source order.
 *
 * A failure (of `fn`, or of the source's `next()`) takes the failing value's
 * place in that order: reading stops and the source is returned at once, the
 * results before it are still delivered, then the consumer gets the error.
 */
export class ParallelMap<A, B> extends Operator<A, B> {
  private readonly slots: Slot<B>[] = [];
  private readonly waiters: Waiter<B>[] = [];
  private index = 0;
  private pulling = false;
  /** No more values will be read: the source ended, or something failed. */
  private exhausted = false;

  constructor(
    source: AsyncIterable<A>,
    private readonly fn: (value: A, index: number) => B | PromiseLike<B>,
    private readonly limit: number,
  ) {
    super(source);
  }

  next(): Promise<IteratorResult<B>> {
    if (this.finished) return Promise.resolve(done());
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.deliver();
      this.fill();
    });
  }

  override return(value?: unknown): Promise<IteratorResult<B>> {
    const pulling = this.pulling;
    this.finish();
    const closed = this.closeSource();
    // A source's return() may queue behind our outstanding next() (an async
    // generator's does), possibly forever: do not make the consumer wait.
    if (pulling) {
      closed.catch(noop);
      return Promise.resolve(done(value as B));
    }
    return closed.then(() => done(value as B));
  }

  protected override onFinish(): void {
    this.slots.length = 0;
    for (const waiter of this.waiters.splice(0)) waiter.resolve(done());
  }

  /** Reads while the window has room; at most one read is outstanding. */
  private fill(): void {
    if (this.finished || this.exhausted || this.pulling || this.slots.length >= this.limit) return;
    this.pulling = true;
    this.source.next().then(this.onResult, this.onSourceError);
  }

  private readonly onResult = (result: IteratorResult<A>): void => {
    this.pulling = false;
    if (this.finished || this.exhausted) return;
    if (result.done) {
      this.exhausted = true;
      this.sourceClosed();
      this.deliver();
      return;
    }
    const slot: Slot<B> = { state: 0, value: undefined, error: undefined };
    this.slots.push(slot);
    let value: B | PromiseLike<B>;
    try {
      value = this.fn(result.value, this.index++);
    } catch (err) {
      this.settle(slot, 2, undefined, err);
      return;
    }
    if (isPromiseLike(value)) {
      value.then(
        (v) => this.settle(slot, 1, v, undefined),
        (err: unknown) => this.settle(slot, 2, undefined, err),
      );
    } else {
      this.settle(slot, 1, value, undefined);
    }
    this.fill();
  };

  private readonly onSourceError = (err: unknown): void => {
    this.pulling = false;
    this.sourceClosed();
    if (this.finished || this.exhausted) return;
    this.exhausted = true;
    this.slots.push({ state: 2, value: undefined, error: err });
    this.deliver();
  };

  private settle(slot: Slot<B>, state: 1 | 2, value: B | undefined, error: unknown): void {
    slot.state = state;
    slot.value = value;
    slot.error = error;
    if (state === 2 && !this.exhausted && !this.finished) {
      // Stop reading and release the source now; the error is delivered in order.
      this.exhausted = true;
      this.closeSource().catch(noop);
    }
    this.deliver();
  }

  /** Hands settled results, in order, to waiting consumers. */
  private deliver(): void {
    while (this.waiters.length > 0 && !this.finished) {
      const slot = this.slots[0];
      if (slot === undefined) {
        if (this.exhausted && !this.pulling) this.finish();
        return;
      }
      if (slot.state === 0) return;
      this.slots.shift();
      const waiter = this.waiters.shift() as Waiter<B>;
      if (slot.state === 1) {
        waiter.resolve({ done: false, value: slot.value as B });
        this.fill();
      } else {
        this.finish();
        waiter.reject(slot.error);
      }
    }
  }
}
