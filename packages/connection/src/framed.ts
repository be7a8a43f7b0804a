import { type Codec, checkFrames, type Decoder, EncodeError, type Encoder } from '@sluice/codec';
import type { AbortOptions } from '@sluice/core';
import {
  AbortError,
  AlreadyConsumedError,
  checkOption,
  InvalidArgumentError,
  type TakeNow,
  takeNow,
} from '@sluice/core';
import type { Connection } from './connection.js';
import { channels, publish } from './diagnostics.js';
import { FrameTimeoutError } from './errors.js';
import { afterYield } from './internal/budget.js';
import { hasUnknownKeys, rejectUnknownKeys } from './internal/option-keys.js';
import { CONCURRENT_READ, END, type QueueOwner, type ReadQueue, type Waiter } from './internal/read-queue.js';
import { DONE, DONE_PROMISE, RESOLVED, raceSignal } from './internal/settle.js';
import type { ReadOptions } from './read-options.js';

/** An empty chunk: lets a decoder report an error it found after the frames it returned. */
const NO_INPUT = new Uint8Array(0);
/** What `#fill()` found: frames to hand out, the end of the input, or nothing queued yet. */
const FRAMES = 0;
const ENDED = 1;
const WAIT = 2;
type FillState = typeof FRAMES | typeof ENDED | typeof WAIT;
const NO_FRAMES: never[] = [];
const NO_BYTES: Uint8Array[] = [];

/**
 * A connection seen through a codec: an async iterable of decoded frames,
 * with `write(frame)` to send one. Created by `conn.framed(codec)`.
 *
 * Frames decoded from one chunk are handed out before the next chunk is read,
 * so reading stays pull-driven and memory stays bounded by the codec's limits
 * and the connection's `readCapacity`. A decode error (`ERR_FRAME_TOO_LONG`,
 * `ERR_DECODE`, `ERR_TRUNCATED_FRAME`) rejects the waiting read and destroys
 * the connection.
 *
 * Raw `conn.write()` and framed writes can be mixed; frames are written whole.
 *
 * @example A line-based echo handler
 * ```ts
 * await listener.serve(async (conn) => {
 *   const io = conn.framed(lines());
 *   for await (const line of io) await io.write(line);
 * });
 * ```
 */
export class Framed<TDecoded, TEncoded = TDecoded> implements AsyncIterable<TDecoded>, AsyncDisposable {
  /** The connection underneath. */
  readonly connection: Connection;

  readonly #codec: Codec<TDecoded, TEncoded>;
  readonly #write: (bytes: Uint8Array, options: AbortOptions | undefined) => Promise<void>;
  readonly #source: ReadQueue;
  readonly #counts: { in: number; out: number };
  readonly #keepOpen: boolean;
  readonly #frameTimeout: number;
  /** A frame has begun and is not complete (see `frameTimeout`). */
  #framePartial = false;
  /** How long reads have waited on the peer for the rest of the partial frame, in ms. */
  #frameWaited = 0;
  /** When the current wait for the partial frame's bytes began (`performance.now()`). */
  #frameWaitStart = 0;
  /** Running while a read waits on the peer for the rest of a partial frame. */
  #frameTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #signal: AbortSignal | undefined;
  #decoder: Decoder<TDecoded> | undefined;
  /** Bytes the decoder held after its last call (when it can say: `remaining()`). */
  #held: Uint8Array[] = NO_BYTES;
  /** The input that produced `#pending`, from a frame boundary on: replayed to hand back unread frames. */
  #pendingInput: Uint8Array[] | null = null;
  /** How the source asks this reader to hand back its bytes when another reader takes over. */
  readonly #owner: QueueOwner = { handBack: () => this.#handBack() };
  #encoder: Encoder<TEncoded> | undefined;
  get #codecName(): string {
    return this.#codec.name ?? 'custom codec';
  }
  #pending: TDecoded[] = NO_FRAMES;
  #index = 0;
  #inputEnded = false;
  /** The error the decoder found behind the frames of the last chunk, delivered once they are read. */
  #heldError: unknown;
  /** The error that ended reading: every later read rejects with it (a failed reader never looks ended). */
  #failure: unknown;
  /** The read waiting for a chunk, if one is: how to settle it, and whether it wants a whole batch. */
  #settleRead: ((result: unknown) => void) | undefined;
  #failRead: ((error: unknown) => void) | undefined;
  #readBatch = false;
  /** The signal of the `read()` under way, if it has one. */
  #readSignal: AbortSignal | undefined;
  /** The decoder holds an error found behind the frames of the last chunk. */
  #errorHeld = false;

  /** @internal Use `conn.framed(codec)`. */
  constructor(
    connection: Connection,
    codec: Codec<TDecoded, TEncoded>,
    source: ReadQueue,
    counts: { in: number; out: number },
    write: (bytes: Uint8Array, options: AbortOptions | undefined) => Promise<void>,
    options: ReadOptions = {},
  ) {
    this.connection = connection;
    this.#write = write;
    this.#codec = codec;
    this.#source = source;
    this.#counts = counts;
    this.#keepOpen = options.keepOpen ?? false;
    this.#frameTimeout = options.frameTimeout ?? 0;
    this.#signal = options.signal;
  }

  /**
   * Encodes and writes one frame; resolves like `Connection.write`. Rejects
   * with the codec's error (such as `ERR_FRAME_TOO_LONG`) if the frame cannot
   * be encoded, before anything is sent.
   *
   * @example
   * ```ts
   * await io.write({ id: 1, method: 'ping' });
   * ```
   */
  write(frame: TEncoded, options?: AbortOptions): Promise<void> {
    if (options !== undefined && hasUnknownKeys(options)) return rejectUnknownKeys('write()', options);
    const signal = options?.signal;
    if (signal?.aborted === true) return Promise.reject(new AbortError(signal.reason));
    let bytes: Uint8Array;
    try {
      bytes = (this.#encoder ??= this.#codec.encoder()).encode(frame);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!(bytes instanceof Uint8Array)) {
      return Promise.reject(new EncodeError(`The codec's encoder returned ${kindOf(bytes)}, not a Uint8Array`));
    }
    this.#counts.out++;
    return this.#write(bytes, options);
  }

  /**
   * Writes every frame of `source`, waiting for the peer whenever the socket
   * is full. Does not close anything when the source ends.
   *
   * @example
   * ```ts
   * await io.writeAll(pipe(records, map(toMessage)));
   * await io.closeWrite();
   * ```
   */
  async writeAll(source: Iterable<TEncoded> | AsyncIterable<TEncoded>, options?: AbortOptions): Promise<void> {
    if (options !== undefined && hasUnknownKeys(options)) return rejectUnknownKeys('writeAll()', options);
    const signal = options?.signal;
    if (signal?.aborted === true) throw new AbortError(signal.reason);
    if (typeof source === 'string') {
      throw new InvalidArgumentError(
        'writeAll(): source must be an iterable of frames, got a string (write it with write())',
      );
    }
    checkOption('writeAll(): source', source, 'iterable', { required: true });
    checkOption('writeAll(): signal', signal, 'signal');
    if (Symbol.iterator in source) {
      // A synchronous source: only wait when the socket asks for it.
      for (const frame of source) {
        const accepted = this.write(frame, options);
        if (accepted !== RESOLVED) await accepted;
      }
      return;
    }
    const iterator = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        // An abort also ends a wait for the source's next frame.
        const next = await raceSignal(iterator.next(), signal, () => new AbortError(signal?.reason));
        if (next.done === true) return;
        const accepted = this.write(next.value, options);
        if (accepted !== RESOLVED) await accepted;
      }
    } catch (error) {
      void Promise.resolve(iterator.return?.()).catch(() => {});
      throw error;
    }
  }

  /** Half-closes the connection; see `Connection.closeWrite`. */
  closeWrite(): Promise<void> {
    return this.connection.closeWrite();
  }

  /** Closes the connection gracefully (with a close code and reason on a WebSocket); see `Connection.close`. */
  close(code?: number, reason?: string): Promise<void> {
    return this.connection.close(code, reason);
  }

  /** `await using io = conn.framed(codec)` closes the connection at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Reads the next frame, or `undefined` at the end of the stream, without
   * closing anything: for request/response protocols that read one answer at
   * a time. Shares its position with the iterators.
   *
   * @example
   * ```ts
   * await io.write(['PING']);
   * const reply = await io.read({ signal: AbortSignal.timeout(5000) }); // 'PONG'
   * ```
   */
  async read(options?: AbortOptions): Promise<TDecoded | undefined> {
    if (options !== undefined && hasUnknownKeys(options)) return rejectUnknownKeys('read()', options);
    const signal = options?.signal;
    if (signal === undefined) {
      const result = await this.#nextFrame();
      return result.done ? undefined : result.value;
    }
    checkOption('read(): signal', signal, 'signal');
    if (signal.aborted) throw new AbortError(signal.reason);
    this.#readSignal = this.#signal === undefined ? signal : AbortSignal.any([signal, this.#signal]);
    try {
      const result = await this.#nextFrame();
      return result.done ? undefined : result.value;
    } finally {
      this.#readSignal = undefined;
    }
  }

  /**
   * Frames in arrays, one array per chunk received: the fastest way to read
   * many small frames, since it pays one `await` per chunk instead of one per
   * frame. A handler waiting for its next array still holds the last one (and
   * the chunk its views point into), so with thousands of connections that
   * each receive large chunks, iterating frames one by one keeps less alive.
   *
   * @example
   * ```ts
   * for await (const frames of io.byChunk()) for (const frame of frames) handle(frame);
   * ```
   */
  byChunk(): AsyncIterable<TDecoded[]> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: (): Promise<IteratorResult<TDecoded[], undefined>> => {
          if (this.#index < this.#pending.length) {
            const rest = this.#pending.slice(this.#index);
            this.#pending = NO_FRAMES;
            this.#index = 0;
            return this.#atHand({ value: rest, done: false });
          }
          return this.#nextBatch();
        },
        return: () => this.#leave(),
      }),
    };
  }

  /** Iterates decoded frames; leaving early closes the connection unless `keepOpen`. */
  [Symbol.asyncIterator](): AsyncIterator<TDecoded, undefined> & TakeNow<TDecoded> {
    return {
      next: () => this.#nextFrame(),
      return: () => this.#leave(),
      [takeNow]: () => this.#frameNow(),
    };
  }

  // The read path decodes what is already queued at once, and resolves a
  // waiting read from the chunk's arrival directly: no promise per chunk
  // beyond the one the caller awaits, which shows in throughput and latency.

  #nextFrame(): Promise<IteratorResult<TDecoded, undefined>> {
    for (;;) {
      const pending = this.#pending;
      if (this.#index < pending.length) {
        const value = pending[this.#index++] as TDecoded;
        if (this.#index === pending.length) this.#allRead();
        return this.#atHand({ value, done: false });
      }
      let state: FillState;
      try {
        state = this.#fill();
      } catch (error) {
        return Promise.reject(error);
      }
      if (state === ENDED) return DONE_PROMISE;
      if (state === WAIT) return this.#waitForChunk(false, this.#readSignal ?? this.#signal);
    }
  }

  /** The next frame if it is at hand (see `takeNow`); `undefined` when `#nextFrame()` would wait, end or fail. */
  #frameNow(): IteratorResult<TDecoded, undefined> | undefined {
    for (;;) {
      const pending = this.#pending;
      if (this.#index < pending.length) {
        const value = pending[this.#index++] as TDecoded;
        if (this.#index === pending.length) this.#allRead();
        return { value, done: false };
      }
      if (this.#failure !== undefined || this.#heldError !== undefined) return undefined;
      try {
        if (this.#fill() !== FRAMES) return undefined;
      } catch {
        return undefined; // the next() that follows rejects with it
      }
    }
  }

  /**
   * Waits for the next chunk and resolves with its first frame (its frames,
   * for `byChunk()`). One waiter object serves every read, so waiting costs
   * only the promise the caller awaits.
   */
  #waitForChunk<R>(batch: boolean, signal: AbortSignal | undefined): Promise<R> {
    if (this.#settleRead !== undefined) {
      return Promise.reject(new AlreadyConsumedError('connection', CONCURRENT_READ));
    }
    if (this.#framePartial) this.#startFrameClock();
    return new Promise<R>((resolve, reject) => {
      this.#settleRead = resolve as (result: unknown) => void;
      this.#failRead = reject;
      this.#readBatch = batch;
      this.#source.wait(this.#chunkWaiter, signal);
    });
  }

  /** Told by the source about the chunk (or end, or error) a waiting read gets. */
  readonly #chunkWaiter: Waiter = {
    resolve: (chunk) => {
      this.#pauseFrameClock();
      const settle = this.#settleRead!;
      const fail = this.#failRead!;
      this.#settleRead = this.#failRead = undefined;
      try {
        settle(this.#readBatch ? this.#batchOf(chunk) : this.#firstFrameOf(chunk));
      } catch (error) {
        fail(error);
      }
    },
    reject: (error) => {
      this.#pauseFrameClock();
      const fail = this.#failRead!;
      this.#settleRead = this.#failRead = undefined;
      fail(error);
    },
  };

  /** After a chunk arrived for a waiting read: its first frame, or (if it held none) the next read's. */
  #firstFrameOf(
    chunk: Uint8Array | typeof END,
  ): IteratorResult<TDecoded, undefined> | Promise<IteratorResult<TDecoded, undefined>> {
    const frames = this.#decode(chunk);
    if (frames.length === 0) return chunk === END ? DONE : this.#nextFrame();
    this.#pending = frames;
    this.#index = 1;
    if (frames.length === 1) this.#allRead();
    return { value: frames[0] as TDecoded, done: false };
  }

  #nextBatch(): Promise<IteratorResult<TDecoded[], undefined>> {
    let state: FillState;
    try {
      state = this.#fill();
    } catch (error) {
      return Promise.reject(error);
    }
    if (state === ENDED) return DONE_PROMISE;
    if (state === WAIT) return this.#waitForChunk(true, this.#signal);
    const frames = this.#pending;
    this.#index = frames.length;
    this.#allRead(); // every frame is handed out
    return this.#atHand({ value: frames, done: false });
  }

  /** A read served without waiting: resolved, or after a turn of the event loop once the budget is spent. */
  #atHand<R>(result: R): Promise<R> {
    return this.#source.budget.spend() ? afterYield(result) : Promise.resolve(result);
  }

  /** After a chunk arrived for a waiting `byChunk()` read: its frames, or (if it held none) the next read's. */
  #batchOf(
    chunk: Uint8Array | typeof END,
  ): IteratorResult<TDecoded[], undefined> | Promise<IteratorResult<TDecoded[], undefined>> {
    const frames = this.#decode(chunk);
    if (frames.length === 0) return chunk === END ? DONE : this.#nextBatch();
    this.#pending = frames;
    this.#index = frames.length;
    this.#allRead(); // every frame is handed out
    return { value: frames, done: false };
  }

  /**
   * Every decoded frame is handed out: let go of them and of the input that
   * made them (often a socket read's whole 64 KiB buffer), unless bytes this
   * codec refused behind them may still go to another reader.
   */
  #allRead(): void {
    if (this.#errorHeld) return; // kept: #handBack replays the input past the frames read
    this.#pending = NO_FRAMES;
    this.#index = 0;
    this.#pendingInput = null;
  }

  /**
   * Decodes queued chunks until one gives frames (`FRAMES`: `#pending` holds
   * them), the input ends (`ENDED`), or nothing is queued (`WAIT`). Throws
   * the error that ends reading.
   */
  #fill(): FillState {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#inputEnded) return ENDED;
    if (this.#heldError !== undefined) throw this.#failWith(this.#heldError);
    for (;;) {
      const chunk = this.#source.take(this.#owner);
      if (chunk === undefined) return WAIT;
      const frames = this.#decode(chunk);
      if (frames.length > 0) {
        this.#pending = frames;
        this.#index = 0;
        return FRAMES;
      }
      if (chunk === END) return ENDED;
    }
  }

  /**
   * Feeds one chunk (or the end) to the decoder; a decode error (or a
   * `decoder()` factory that throws) destroys the connection. A decoder that
   * finds an error behind good frames returns the frames and throws on its
   * next call: that call is made at once, with no input, and its error kept
   * until the frames are read, so it arrives right after them, not when more
   * bytes come (and not at all if another reader takes over first).
   */
  #decode(chunk: Uint8Array | typeof END): TDecoded[] {
    let frames: TDecoded[];
    try {
      const decoder = (this.#decoder ??= this.#codec.decoder());
      if (chunk === END) {
        this.#stopFrameClock();
        this.#inputEnded = true;
        frames = checkFrames(this.#codecName, decoder.end());
      } else {
        frames = checkFrames(this.#codecName, decoder.decode(chunk));
        if (frames.length > 0) {
          try {
            decoder.decode(NO_INPUT); // what it returns is dropped: an empty chunk completes no frame
          } catch (error) {
            this.#heldError = error;
          }
        }
        if (decoder.remaining !== undefined && chunk.length > 0) this.#keepForHandBack(decoder, chunk, frames);
        if (this.#frameTimeout > 0 && chunk.length > 0) this.#notePartialFrame(decoder, frames.length > 0);
      }
    } catch (error) {
      throw this.#failWith(error);
    }
    this.#counts.in += frames.length; // counted as received, whether read one by one or by chunk
    return frames;
  }

  /** Notes what the decoder holds, and the input behind `frames`, in case another reader takes over. */
  #keepForHandBack(decoder: Decoder<TDecoded>, input: Uint8Array, frames: TDecoded[]): void {
    const held = heldBy(decoder);
    this.#errorHeld = held === undefined || this.#heldError !== undefined;
    // Kept so that unread frames, or bytes behind a held error, can be handed back (see #handBack).
    if (frames.length > 1 || this.#errorHeld) {
      this.#pendingInput = this.#held.length === 0 ? [input] : [...this.#held, input];
    } else if (frames.length === 1) {
      this.#pendingInput = null; // nothing left to replay
    }
    this.#held = held ?? NO_BYTES;
  }

  /** Ends reading with a decode error: published, and the connection destroyed with it. */
  #failWith(error: unknown): unknown {
    this.#stopFrameClock();
    this.#failure = error;
    this.#heldError = undefined;
    publish(channels.frameError, { connection: this.connection, error: error as Error });
    this.connection.destroy(error as Error);
    return error;
  }

  /**
   * Another reader is taking over the connection: give back, in order, the
   * bytes of frames decoded but not read and the bytes the decoder holds, and
   * start afresh if this reader is used again.
   */
  #handBack(): Uint8Array[] {
    this.#stopFrameClock();
    const decoder = this.#decoder;
    const unread = this.#index < this.#pending.length;
    let bytes: Uint8Array[] = NO_BYTES;
    if (decoder !== undefined && !this.#inputEnded) {
      // Frames decoded but not read, or bytes this codec refused behind the last frame read:
      // the next reader gets them, from the end of the last frame read on.
      const replay = (unread || this.#errorHeld) && this.#pendingInput !== null;
      try {
        bytes = replay
          ? replayPast(this.#codec, this.#pendingInput ?? [], this.#index)
          : (decoder.remaining?.() ?? NO_BYTES);
      } catch {
        bytes = NO_BYTES; // a decoder that cannot say what it holds gives nothing back
      }
    }
    this.#errorHeld = false;
    this.#decoder = undefined;
    this.#pending = NO_FRAMES;
    this.#index = 0;
    this.#held = NO_BYTES;
    this.#pendingInput = null;
    this.#heldError = undefined;
    return bytes;
  }

  // The frame clock (`frameTimeout`) times the peer, not this reader: it runs
  // only while a read waits for the rest of a frame that has begun. A reader
  // busy with earlier frames, while the rest waits unread, is not the peer's
  // delay; nor are the waits before a frame begins (that is `idleTimeout`).

  /**
   * After a chunk: whether a frame is now partial. A decoder that can say what
   * it holds (`remaining()`) tells; for one that cannot, a chunk that completed
   * no frame means one has begun.
   */
  #notePartialFrame(decoder: Decoder<TDecoded>, completed: boolean): void {
    const partial = decoder.remaining !== undefined ? this.#held.length > 0 : !completed;
    if (completed || !partial) this.#frameWaited = 0; // a frame that begins now starts with a full allowance
    this.#framePartial = partial;
  }

  #startFrameClock(): void {
    this.#frameWaitStart = performance.now();
    const timeout = this.#frameTimeout;
    this.#frameTimer = setTimeout(
      () => this.connection.shed(new FrameTimeoutError(timeout)),
      Math.max(0, timeout - this.#frameWaited),
    );
    (this.#frameTimer as { unref?: () => void }).unref?.();
  }

  /** A wait ended: what it lasted counts against the partial frame's allowance. */
  #pauseFrameClock(): void {
    if (this.#frameTimer === undefined) return;
    clearTimeout(this.#frameTimer);
    this.#frameTimer = undefined;
    this.#frameWaited += performance.now() - this.#frameWaitStart;
  }

  #stopFrameClock(): void {
    clearTimeout(this.#frameTimer);
    this.#frameTimer = undefined;
    this.#framePartial = false;
    this.#frameWaited = 0;
  }

  async #leave(): Promise<IteratorReturnResult<undefined>> {
    if (!this.#keepOpen) await this.connection.close();
    return DONE;
  }
}

function kindOf(value: unknown): string {
  return value === null || value === undefined
    ? String(value)
    : typeof value === 'object'
      ? 'an object'
      : `a ${typeof value}`;
}

/** What `decoder` holds, or `undefined` if it holds an error instead (thrown by its next call). */
function heldBy(decoder: Decoder<unknown>): Uint8Array[] | undefined {
  try {
    return decoder.remaining?.() ?? NO_BYTES;
  } catch {
    return undefined;
  }
}

/**
 * The bytes of `input` after its first `frames` frames, found by decoding it
 * again with a fresh decoder one byte at a time (decoders are deterministic,
 * and `input` starts on a frame boundary). Used only when a reader hands over
 * with frames decoded but unread, so its cost is paid once, on the switch.
 */
function replayPast(codec: Codec<unknown, unknown>, input: Uint8Array[], frames: number): Uint8Array[] {
  if (frames === 0) return input;
  const decoder = codec.decoder();
  let seen = 0;
  for (let piece = 0; piece < input.length; piece++) {
    const bytes = input[piece] as Uint8Array;
    for (let at = 0; at < bytes.length; at++) {
      seen += decoder.decode(bytes.subarray(at, at + 1)).length;
      if (seen >= frames) return [...(decoder.remaining?.() ?? []), bytes.subarray(at + 1), ...input.slice(piece + 1)];
    }
  }
  return input;
}
