import type { Channel, ChannelOptions, OverflowPolicy } from '../channel.js';
import { checkOption, checkOptionKeys } from '../check-option.js';
import { AbortError, AlreadyConsumedError, ClosedError, OverflowError } from '../errors.js';
import type { AbortOptions } from '../types.js';
import { Ring } from './ring.js';
import { ABORT_OPTION_KEYS, done, RESOLVED } from './util.js';

interface Reader<T> {
  resolve(result: IteratorResult<T>): void;
  reject(err: unknown): void;
}

interface Pusher<T> {
  value: T;
  resolve(): void;
  reject(err: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Accepting pushes. */
const OPEN = 0;
/** `end()` or `error()` was called: the consumer drains what is buffered. */
const ENDING = 1;
/** The consumer saw the end or the error, or left early: nothing more happens. */
const FINISHED = 2;

/**
 * The state machine behind {@link channel}. Invariants:
 * - readers wait only when the buffer is empty and no pusher waits;
 * - pushers wait only when the buffer is full (`size === capacity`);
 * - `size <= capacity` at all times.
 */
export class ChannelImpl<T> implements Channel<T> {
  readonly capacity: number;
  private readonly overflow: OverflowPolicy;
  private readonly buffer: Ring<T>;
  private readonly readers = new Ring<Reader<T>>(2);
  private readonly pushers = new Ring<Pusher<T>>(2);
  private state: typeof OPEN | typeof ENDING | typeof FINISHED = OPEN;
  private failure: { error: unknown } | undefined;
  /** Why pushes are refused, for the ClosedError message. */
  private closedBecause = '';
  private consumed = false;
  private droppedCount = 0;
  private readonly signal: AbortSignal | undefined;
  private readonly onReturn: (() => void) | undefined;

  constructor(capacity: number, options: ChannelOptions) {
    this.capacity = capacity;
    this.overflow = options.overflow ?? 'wait';
    this.buffer = new Ring(Math.min(capacity, 16));
    this.onReturn = options.onReturn;
    this.signal = options.signal;
    if (this.signal?.aborted) this.onAbort();
    else this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get size(): number {
    return this.buffer.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get writable(): boolean {
    return this.state === OPEN;
  }

  push(value: T, options?: AbortOptions): Promise<void> {
    if (options !== undefined) {
      // Checked only when given: a plain push pays one comparison.
      const invalid = invalidPushOptions(options);
      if (invalid !== undefined) return Promise.reject(invalid);
    }
    const signal = options?.signal;
    if (this.state !== OPEN) return Promise.reject(this.closedError());
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    if (this.accept(value)) return RESOLVED;
    if (this.overflow !== 'wait') {
      try {
        this.overflowed(value);
      } catch (err) {
        return Promise.reject(err);
      }
      return RESOLVED;
    }
    return new Promise<void>((resolve, reject) => {
      const pusher: Pusher<T> = { value, resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        pusher.onAbort = () => {
          if (this.pushers.remove(pusher)) reject(new AbortError(signal.reason));
        };
        signal.addEventListener('abort', pusher.onAbort, { once: true });
      }
      this.pushers.push(pusher);
    });
  }

  offer(value: T): boolean {
    if (this.state !== OPEN) return false;
    return this.accept(value) || this.overflowed(value);
  }

  end(): void {
    this.close('was ended', undefined);
  }

  error(err: unknown): void {
    this.close('failed', { error: err });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    if (this.consumed) throw new AlreadyConsumedError('channel');
    this.consumed = true;
    return new ChannelIterator(this);
  }

  /** The consumer's `next()`. */
  read(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift() as T;
      if (this.pushers.length > 0) {
        const pusher = this.pushers.shift() as Pusher<T>;
        this.buffer.push(pusher.value);
        settle(pusher);
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.pushers.length > 0) {
      // Capacity 0: hand over straight from the pusher.
      const pusher = this.pushers.shift() as Pusher<T>;
      settle(pusher);
      return Promise.resolve({ done: false, value: pusher.value });
    }
    if (this.state === OPEN) return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
    const failure = this.failure;
    this.failure = undefined;
    this.state = FINISHED;
    return failure === undefined ? Promise.resolve(done()) : Promise.reject(failure.error);
  }

  /** The consumer's `return()`: leaves early, closing the channel. */
  leave(value: unknown): Promise<IteratorResult<T>> {
    const early = this.state !== FINISHED;
    this.close('was closed by its consumer', undefined);
    this.state = FINISHED;
    this.failure = undefined;
    this.buffer.clear();
    for (const reader of this.readers.drain()) reader.resolve(done());
    if (early && this.onReturn !== undefined) {
      try {
        this.onReturn();
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return Promise.resolve(done(value as T));
  }

  /** Takes `value` if a reader waits or there is room. */
  private accept(value: T): boolean {
    if (this.readers.length > 0) {
      (this.readers.shift() as Reader<T>).resolve({ done: false, value });
      return true;
    }
    if (this.buffer.length < this.capacity) {
      this.buffer.push(value);
      return true;
    }
    return false;
  }

  /** Applies the overflow policy to `value`, which found the buffer full. */
  private overflowed(value: T): boolean {
    switch (this.overflow) {
      case 'wait':
        return false;
      case 'drop-newest':
        this.droppedCount++;
        return false;
      case 'drop-oldest':
        this.droppedCount++;
        if (this.buffer.length === 0) return false;
        this.buffer.shift();
        this.buffer.push(value);
        return true;
      case 'error': {
        const err = new OverflowError(this.capacity, 'channel');
        this.error(err);
        throw err;
      }
    }
  }

  /** Why a push is refused: the channel's own signal aborted it, or it was closed. */
  private closedError(): Error {
    const signal = this.signal;
    if (signal?.aborted === true) return new AbortError(signal.reason);
    return new ClosedError(`Cannot push: the channel ${this.closedBecause}`);
  }

  private close(because: string, failure: { error: unknown } | undefined): void {
    if (this.state !== OPEN) return;
    this.state = ENDING;
    this.failure = failure;
    this.closedBecause = because;
    this.signal?.removeEventListener('abort', this.onAbort);
    for (const pusher of this.pushers.drain()) {
      settle(pusher, new ClosedError(`Cannot push: the channel ${because} before the value was accepted`));
    }
    if (this.readers.length === 0) return;
    // Readers wait only on an empty buffer: tell the first how it ended.
    const first = this.readers.shift() as Reader<T>;
    this.failure = undefined;
    this.state = FINISHED;
    if (failure === undefined) first.resolve(done());
    else first.reject(failure.error);
    for (const reader of this.readers.drain()) reader.resolve(done());
  }

  private readonly onAbort = (): void => {
    this.error(new AbortError(this.signal?.reason));
  };
}

/** Why `push()`'s options are unusable, or `undefined` if they are fine. */
function invalidPushOptions(options: AbortOptions): unknown {
  try {
    checkOption('push(): options', options, 'object');
    checkOptionKeys('push()', options, ABORT_OPTION_KEYS);
    checkOption('push(): signal', options.signal, 'signal');
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Resolves a waiting pusher (its value was taken), or rejects it with `err`. */
function settle<T>(pusher: Pusher<T>, err?: unknown): void {
  if (pusher.onAbort !== undefined) pusher.signal?.removeEventListener('abort', pusher.onAbort);
  if (err === undefined) pusher.resolve();
  else pusher.reject(err);
}

class ChannelIterator<T> implements AsyncIterableIterator<T> {
  constructor(private readonly channel: ChannelImpl<T>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    return this.channel.read();
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    return this.channel.leave(value);
  }
}
