import { type Codec, checkDecoded, DecodeError, type Decoder } from '@sluice/codec';
import { AlreadyConsumedError } from '@sluice/core';
import { FrameTimeoutError } from '../errors.js';
import type { Budget } from './budget.js';
import { FrameClock } from './frame-clock.js';
import type { FramedHost } from './framed-host.js';
import { CONCURRENT_READ, END, type QueueOwner, type ReadQueue, type Waiter } from './read-queue.js';
import { DONE, DONE_PROMISE } from './settle.js';
import { UnreadInput } from './unread-input.js';

/** Nothing at hand: the next read decodes the next queued chunk, or waits for one. */
const READY = 0;
/** Frames decoded and not all read: reads hand them out. */
const HOLDING = 1;
/** A read waits for the peer's next chunk. */
const WAITING = 2;
/** The decoder threw behind frames that are now all read: the next read fails. */
const REFUSING = 3;
/** The input is over and every frame was read. */
const ENDED = 4;
/** The decoder threw (or could not be made): the connection is destroyed. */
const FAILED = 5;
type State = typeof READY | typeof HOLDING | typeof WAITING | typeof REFUSING | typeof ENDED | typeof FAILED;

/** `#poll()`: nothing at hand, the caller must wait. */
const WAIT: unique symbol = Symbol('wait');
const NO_FRAMES: never[] = [];

/**
 * What a read takes: one frame (`false`), every frame at hand in a new array
 * (`true`), or every frame at hand in this array (`byChunk({ reuse: true })`).
 */
type Take<T> = boolean | T[];

/** A read waiting for a chunk: how to settle it, what it takes, and its signal. */
interface PendingRead<T> {
  resolve(result: unknown): void;
  reject(error: unknown): void;
  readonly batch: Take<T>;
  readonly signal: AbortSignal | undefined;
}

/**
 * The read side of `Framed`: turns the connection's chunks into frames
 * through one codec, one state owning what happens next.
 *
 * | State      | A read…                                         | Moves to                                                  |
 * | ---------- | ----------------------------------------------- | --------------------------------------------------------- |
 * | `READY`    | decodes the next queued chunk, or waits         | `HOLDING`, `WAITING`, `ENDED`, `FAILED`                   |
 * | `HOLDING`  | gets the next frame (`byChunk`: all at hand)    | `READY` once all are read; `REFUSING`, `ENDED` likewise   |
 * | `WAITING`  | is refused: one read at a time                  | `READY` when a chunk, the end, an error or an abort comes |
 * | `REFUSING` | fails with the decoder's error                  | `FAILED`                                                  |
 * | `ENDED`    | resolves done                                   | (final)                                                   |
 * | `FAILED`   | rejects with the same error, every time         | (final)                                                   |
 *
 * A decoder that throws after pushing frames leaves them `HOLDING`: they are
 * read first, then the error (`REFUSING`). Another reader taking the
 * connection over (`handBack`) gets the bytes of frames not read, and of
 * input the decoder refused, and this reader starts afresh: in `READY`, or
 * `ENDED` if the input is over (`FAILED` stays failed). An error of the
 * transport is not this reader's: a read in `READY` rejects with it and
 * the state stays `READY` (the queue keeps the error, so every read gets
 * it), as it does for `ERR_ALREADY_CONSUMED` while another reader waits.
 *
 * Reads served without waiting spend the connection's budget; a read that
 * waits resolves straight from the chunk's arrival, with no promise per
 * chunk beyond the one the caller awaits.
 *
 * @internal
 */
export class FrameReader<T> implements QueueOwner, Waiter {
  readonly #codec: Codec<T, unknown>;
  /** The codec's name, for messages. */
  readonly #name: string;
  readonly #host: FramedHost;
  readonly #source: ReadQueue;
  /** The connection's budget of operations that complete without waiting. */
  readonly #budget: Budget;
  readonly #clock: FrameClock | null;
  readonly #unread = new UnreadInput();
  #state: State = READY;
  #decoder: Decoder<T> | undefined;
  /** The frames of the last chunk, and the index of the next one to hand out. */
  #frames: T[] = NO_FRAMES;
  #next = 0;
  /** The input ended behind the frames held. */
  #inputEnded = false;
  /** The decoder's error: behind the frames held (`HOLDING`, `REFUSING`) or final (`FAILED`). */
  #failure: unknown;
  #pending: PendingRead<T> | undefined;

  constructor(codec: Codec<T, unknown>, host: FramedHost, frameTimeout: number) {
    this.#codec = codec;
    this.#name = codec.name ?? 'custom codec';
    this.#host = host;
    this.#source = host.source;
    this.#budget = host.source.budget;
    this.#clock = frameTimeout > 0 ? new FrameClock(frameTimeout, (ms) => host.shed(new FrameTimeoutError(ms))) : null;
  }

  /** The next frame, or done at the end of the input. */
  next(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>> {
    if (this.#state === HOLDING) {
      // The path of most reads, written out: a frame at hand.
      const result: IteratorResult<T, undefined> = { value: this.#handOut(false) as T, done: false };
      return this.#budget.settle(result);
    }
    return this.#read(false, signal) as Promise<IteratorResult<T, undefined>>;
  }

  /**
   * Every frame at hand, or those of the next chunk that has any; done at the
   * end. Into `into` if given, emptied first: a read that waits holds none of
   * the frames handed out before.
   */
  nextBatch(signal: AbortSignal | undefined, into?: T[]): Promise<IteratorResult<T[], undefined>> {
    // `into` is #frames only when a decode error waits behind the frames it was given: the read then fails.
    if (into !== undefined && into !== this.#frames) into.length = 0;
    return this.#read(into ?? true, signal) as Promise<IteratorResult<T[], undefined>>;
  }

  /** The next frame if one is at hand without waiting; `undefined` when `next()` would wait, end or fail. */
  now(): IteratorResult<T, undefined> | undefined {
    if (this.#state !== READY && this.#state !== HOLDING) return undefined;
    try {
      const result = this.#poll(false);
      return result === WAIT || result.done === true ? undefined : (result as IteratorResult<T, undefined>);
    } catch {
      return undefined; // the next() that follows rejects with it
    }
  }

  #read(batch: Take<T>, signal: AbortSignal | undefined): Promise<IteratorResult<T | T[], undefined>> {
    let result: IteratorResult<T | T[], undefined> | typeof WAIT;
    try {
      result = this.#poll(batch);
    } catch (error) {
      return Promise.reject(error);
    }
    if (result === WAIT) return this.#wait(batch, signal);
    if (result.done === true) return DONE_PROMISE;
    return this.#budget.settle(result);
  }

  /** Moves through the states until a result is at hand (or `WAIT`); throws the error that ends reading. */
  #poll(batch: Take<T>): IteratorResult<T | T[], undefined> | typeof WAIT {
    for (;;) {
      switch (this.#state) {
        case HOLDING:
          return { value: this.#handOut(batch), done: false };
        case READY: {
          const chunk = this.#source.take(this);
          if (chunk === undefined) return WAIT;
          this.#decode(chunk, batch);
          break;
        }
        case WAITING:
          throw new AlreadyConsumedError('connection', CONCURRENT_READ);
        case REFUSING:
          throw this.#fail(this.#failure);
        case ENDED:
          return DONE;
        case FAILED:
          throw this.#failure;
      }
    }
  }

  #handOut(batch: Take<T>): T | T[] {
    const frames = this.#frames;
    let value: T | T[];
    if (batch === true) {
      value = this.#next === 0 ? frames : frames.slice(this.#next);
      this.#next = frames.length;
    } else if (batch !== false) {
      // Decoded into it (a batch hands out all it decoded at once), or frames a read() left: copied in.
      if (frames !== batch) for (let i = this.#next; i < frames.length; i++) batch.push(frames[i] as T);
      value = batch;
      this.#next = frames.length;
    } else {
      value = frames[this.#next++] as T;
    }
    if (this.#next === frames.length) this.#allRead();
    return value;
  }

  /**
   * Every frame held was handed out: let go of them and of the input behind
   * them, unless a decode error waits behind them (its bytes may still go to
   * another reader).
   */
  #allRead(): void {
    if (this.#failure !== undefined) {
      this.#state = REFUSING;
      return;
    }
    this.#frames = NO_FRAMES;
    this.#next = 0;
    this.#unread.release();
    this.#state = this.#inputEnded ? ENDED : READY;
  }

  /**
   * Feeds one chunk (or the end) to the decoder and moves to the state it
   * leads to. A read into an array of its own (emptied) has the frames pushed
   * straight into it.
   */
  #decode(chunk: Uint8Array | typeof END, batch: Take<T>): void {
    const frames: T[] = typeof batch === 'object' && batch.length === 0 ? batch : [];
    let failed = false;
    let failure: unknown;
    let decoder: Decoder<T> | undefined;
    try {
      decoder = this.#decoder ??= this.#codec.decoder();
      const returned: unknown = chunk === END ? decoder.end(frames) : decoder.decode(chunk, frames);
      checkDecoded(this.#name, returned, frames); // a refusal empties frames
    } catch (error) {
      failed = true;
      failure = error ?? new DecodeError(`${this.#name}: the decoder threw ${error}`);
    }
    if (chunk === END) {
      this.#inputEnded = true;
      this.#clock?.stop();
    } else if (decoder !== undefined) {
      this.#unread.record(decoder, chunk, frames.length, failed);
      const partial = decoder.remaining !== undefined ? this.#unread.partial : frames.length === 0;
      if (chunk.length > 0) this.#clock?.afterChunk(partial, frames.length > 0);
    }
    this.#host.countFrames('in', frames.length); // counted as received, whether read one by one or by chunk
    if (frames.length > 0) {
      this.#frames = frames;
      this.#next = 0;
      if (failed) this.#failure = failure;
      this.#state = HOLDING;
    } else if (failed) {
      this.#fail(failure);
    } else if (chunk === END) {
      this.#state = ENDED;
    }
  }

  /** Ends reading with a decode error: the connection is destroyed with it, and every later read rejects with it. */
  #fail(error: unknown): unknown {
    this.#clock?.stop();
    this.#state = FAILED;
    this.#failure = error;
    this.#frames = NO_FRAMES;
    this.#next = 0;
    this.#unread.release();
    this.#host.refuse(error);
    return error;
  }

  #wait(batch: Take<T>, signal: AbortSignal | undefined): Promise<IteratorResult<T | T[], undefined>> {
    this.#state = WAITING;
    this.#clock?.startWait();
    return new Promise((resolve, reject) => {
      this.#pending = { resolve: resolve as (result: unknown) => void, reject, batch, signal };
      this.#source.wait(this, signal);
    });
  }

  /** `Waiter`: the source's chunk (or end) for the read that waits. */
  resolve(chunk: Uint8Array | typeof END): void {
    const read = this.#stopWaiting();
    try {
      this.#decode(chunk, read.batch);
      const result = this.#poll(read.batch);
      read.resolve(result === WAIT ? this.#wait(read.batch, read.signal) : result);
    } catch (error) {
      read.reject(error);
    }
  }

  /** `Waiter`: the source's error (or an abort) for the read that waits. */
  reject(error: unknown): void {
    this.#stopWaiting().reject(error);
  }

  #stopWaiting(): PendingRead<T> {
    const read = this.#pending as PendingRead<T>;
    this.#pending = undefined;
    this.#clock?.endWait();
    if (this.#state === WAITING) this.#state = READY;
    return read;
  }

  /**
   * `QueueOwner`: another reader is taking over the connection. Gives back,
   * in order, the bytes of frames decoded but not read (or refused behind
   * them) and the bytes the decoder holds; this reader starts afresh if used
   * again.
   */
  handBack(): Uint8Array[] {
    this.#clock?.stop();
    const decoder = this.#decoder;
    let bytes: Uint8Array[] = NO_FRAMES;
    if (decoder !== undefined && !this.#inputEnded && this.#state !== FAILED) {
      const replay = this.#state === HOLDING || this.#state === REFUSING;
      bytes = this.#unread.handBack(this.#codec, decoder, this.#next, replay);
    }
    this.#decoder = undefined;
    if (this.#state === HOLDING || this.#state === REFUSING) {
      this.#frames = NO_FRAMES;
      this.#next = 0;
      this.#failure = undefined;
      this.#state = this.#inputEnded ? ENDED : READY;
    }
    return bytes;
  }
}
