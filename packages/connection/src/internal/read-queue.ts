import { AbortError, AlreadyConsumedError } from '@sluice/core';
import { Budget } from './budget.js';
import { DONE, DONE_PROMISE } from './settle.js';

/** `take()`: the input is over. */
export const END: unique symbol = Symbol('end');

/** Why a second read waiting at once is refused. */
export const CONCURRENT_READ =
  'Cannot read: another read of this connection is still waiting (read from one place at a time)';

/**
 * A reader that may hold bytes it took from the source but has not used (a
 * `Framed` whose decoder holds a partial frame). When another reader takes
 * over, the source asks it to hand them back.
 */
export interface QueueOwner {
  handBack(): Uint8Array[];
}

/** Told once about the next chunk (or `END`, or the error). */
export interface Waiter {
  resolve(chunk: Uint8Array | typeof END): void;
  reject(error: unknown): void;
}

/** How the queue slows its transport down: reading stops while the queue is full. */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

/**
 * Pull-based reading of a transport, shared by every reader of one connection
 * (raw iteration, framed iteration, web streams).
 *
 * The transport pushes what arrives (`push`, `end`, `close`): each chunk goes
 * straight to a waiting `next()` or into a queue. When the queue holds
 * `capacity` bytes the transport is paused, so a slow consumer holds at most
 * the queue plus the transport's own buffer, whatever the peer sends. Errors
 * are kept as they happened and handed to the waiting reader, never replaced
 * by a generic one.
 *
 * @internal
 */
export class ReadQueue {
  /** The connection's budget of operations that complete without waiting, shared by its readers and writers. */
  readonly budget = new Budget();
  readonly #flow: FlowControl;
  readonly #capacity: number;
  #queue: Uint8Array[] = [];
  #head = 0;
  #queuedBytes = 0;
  #waiter: Waiter | undefined;
  #ended = false;
  #error: unknown;
  #paused = false;
  #detached = false;
  #discarding = false;
  #owner: QueueOwner | null = null;

  /** `ended`: the input is over already (a transport adopted after its end). */
  constructor(flow: FlowControl, capacity: number, ended: boolean) {
    this.#flow = flow;
    this.#capacity = capacity;
    // Nothing is read until a consumer pulls: reading is demand-driven.
    flow.pause();
    this.#paused = true;
    this.#ended = ended;
  }

  /** Records the error that ends reading; the waiting reader gets it after queued data. */
  fail(error: unknown): void {
    if (this.#error !== undefined || this.#ended) return;
    this.#error = error;
    this.#settleWaiter();
  }

  /**
   * Resolves with the next chunk, or done at the end of the stream. `owner`
   * is the reader asking (`null` for raw readers); when it changes, the
   * previous owner hands back what it holds, and that is read first.
   */
  next(signal?: AbortSignal, owner: QueueOwner | null = null): Promise<IteratorResult<Uint8Array, undefined>> {
    let now: Uint8Array | typeof END | undefined;
    try {
      now = this.take(owner);
    } catch (error) {
      return Promise.reject(error);
    }
    if (now === END) return DONE_PROMISE;
    if (now !== undefined) {
      return this.budget.settle({ value: now, done: false } as const);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (chunk) => resolve(chunk === END ? DONE : { value: chunk, done: false }),
        reject,
      };
      this.wait(waiter, signal);
    });
  }

  /**
   * The next chunk if one is queued, `END` at the end, or `undefined` when
   * the caller must `wait()`. Throws the error that ended reading, and
   * `ERR_ALREADY_CONSUMED` to a new reader while another's read waits. For
   * readers that decode at once what is queued, without a promise per chunk.
   */
  take(owner: QueueOwner | null): Uint8Array | typeof END | undefined {
    if (owner !== this.#owner) {
      // A reader may not take over while another's read waits: that read would lose the bytes its decoder holds.
      if (this.#waiter !== undefined) throw new AlreadyConsumedError('connection', CONCURRENT_READ);
      this.#takeOver(owner);
    }
    if (this.#head < this.#queue.length) return this.#shift();
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) return END;
    return undefined;
  }

  /**
   * After `take()` returned `undefined`: tells `waiter` about the next chunk,
   * the end or the error (or an `AbortError` if `signal` aborts first).
   */
  wait(waiter: Waiter, signal: AbortSignal | undefined): void {
    if (this.#waiter !== undefined) return waiter.reject(new AlreadyConsumedError('connection', CONCURRENT_READ));
    this.budget.refill();
    if (this.#paused) this.#resume();
    if (signal === undefined) this.#waiter = waiter;
    else this.#waitWithSignal(waiter, signal);
  }

  /** Stops reading and hands back what was queued but not read (used by `unwrap`). */
  detach(): Uint8Array[] {
    this.#takeOver(null);
    this.#detached = true;
    this.#ended = true; // reading through this queue is over
    this.#flow.pause();
    const rest = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    this.#settleWaiter();
    return rest;
  }

  /**
   * Drops queued data and keeps discarding what arrives, so that the peer's
   * FIN is read promptly (used while closing). A waiting reader gets the end.
   */
  discard(): void {
    this.#discarding = true;
    this.#ended = true;
    this.#queue = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    if (this.#paused) this.#resume();
    this.#settleWaiter();
  }

  /** Makes `owner` the reader, putting back in front what the previous one held. */
  #takeOver(owner: QueueOwner | null): void {
    const previous = this.#owner;
    this.#owner = owner;
    if (previous === null || this.#discarding) return;
    const held = previous.handBack().filter((bytes) => bytes.length > 0);
    if (held.length === 0) return;
    const queued = this.#queue.slice(this.#head);
    this.#queue = [...held, ...queued];
    this.#head = 0;
    for (const bytes of held) this.#queuedBytes += bytes.byteLength;
  }

  #waitWithSignal(reader: Waiter, signal: AbortSignal): void {
    if (signal.aborted) return reader.reject(new AbortError(signal.reason));
    const onAbort = () => {
      if (this.#waiter !== waiter) return;
      this.#waiter = undefined;
      reader.reject(new AbortError(signal.reason));
    };
    const waiter: Waiter = {
      resolve: (result) => {
        signal.removeEventListener('abort', onAbort);
        reader.resolve(result);
      },
      reject: (error) => {
        signal.removeEventListener('abort', onAbort);
        reader.reject(error);
      },
    };
    this.#waiter = waiter;
    signal.addEventListener('abort', onAbort, { once: true });
  }

  #shift(): Uint8Array {
    const chunk = this.#queue[this.#head] as Uint8Array;
    this.#queue[this.#head++] = undefined as unknown as Uint8Array;
    this.#queuedBytes -= chunk.byteLength;
    if (this.#head === this.#queue.length) {
      // Emptied: a queue of one with pop(), as setting `length` is a call into the engine (about 100 ns).
      if (this.#head === 1) this.#queue.pop();
      else this.#queue = [];
      this.#head = 0;
    }
    if (this.#paused && this.#queuedBytes < this.#capacity) this.#resume();
    return chunk;
  }

  #resume(): void {
    this.#paused = false;
    if (!this.#detached) this.#flow.resume();
  }

  /** A chunk arrived (from the transport). */
  push(chunk: Uint8Array): void {
    if (this.#discarding) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve(chunk);
      return;
    }
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.byteLength;
    if (this.#queuedBytes >= this.#capacity && !this.#paused) {
      this.#paused = true;
      this.#flow.pause();
    }
  }

  /**
   * The input is over: the peer finished, or the transport closed (one closed
   * without an end or an error was destroyed locally).
   */
  end(): void {
    this.#ended = true;
    this.#settleWaiter();
  }

  #settleWaiter(): void {
    const waiter = this.#waiter;
    if (waiter === undefined || this.#head < this.#queue.length) return;
    this.#waiter = undefined;
    if (this.#error !== undefined) waiter.reject(this.#error);
    else waiter.resolve(END);
  }
}
