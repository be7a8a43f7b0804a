import type { Codec, Decoder, Encoder } from '@sluice/codec';
import type { Connection, SignalOptions } from './connection.js';
import { RESOLVED } from './internal/settle.js';
import type { SocketSource } from './internal/socket-source.js';

/** Options of {@link Connection.framed}. */
export interface FramedOptions {
  /**
   * Leave the connection open when a loop over the frames ends early
   * (`break`), so that another reader can take over.
   * @default false
   */
  keepOpen?: boolean;
  /** Aborts a waiting read: it rejects with an `AbortError`. */
  signal?: AbortSignal | undefined;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const NO_FRAMES: never[] = [];

/**
 * A connection seen through a codec: an async iterable of decoded frames,
 * with `write(frame)` to send one. Created by `conn.framed(codec)`.
 *
 * Frames decoded from one chunk are handed out before the next chunk is read,
 * so reading stays pull-driven and memory stays bounded by the codec's limits
 * and the connection's high-water mark. A decode error (`ERR_FRAME_TOO_LONG`,
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
  readonly #source: SocketSource;
  readonly #counts: { in: number; out: number };
  readonly #keepOpen: boolean;
  readonly #signal: AbortSignal | undefined;
  #decoder: Decoder<TDecoded> | undefined;
  #encoder: Encoder<TEncoded> | undefined;
  #pending: TDecoded[] = NO_FRAMES;
  #index = 0;
  #inputEnded = false;

  /** @internal Use `conn.framed(codec)`. */
  constructor(
    connection: Connection,
    codec: Codec<TDecoded, TEncoded>,
    source: SocketSource,
    counts: { in: number; out: number },
    options: FramedOptions = {},
  ) {
    this.connection = connection;
    this.#codec = codec;
    this.#source = source;
    this.#counts = counts;
    this.#keepOpen = options.keepOpen ?? false;
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
  write(frame: TEncoded, options?: SignalOptions): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = (this.#encoder ??= this.#codec.encoder()).encode(frame);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#counts.out++;
    return this.connection.write(bytes, options);
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
  async writeAll(source: Iterable<TEncoded> | AsyncIterable<TEncoded>, options?: SignalOptions): Promise<void> {
    if (Symbol.iterator in source) {
      // A synchronous source: only wait when the socket asks for it.
      for (const frame of source) {
        const accepted = this.write(frame, options);
        if (accepted !== RESOLVED) await accepted;
      }
      return;
    }
    for await (const frame of source) {
      const accepted = this.write(frame, options);
      if (accepted !== RESOLVED) await accepted;
    }
  }

  /** Half-closes the connection; see `Connection.closeWrite`. */
  closeWrite(): Promise<void> {
    return this.connection.closeWrite();
  }

  /** Closes the connection gracefully; see `Connection.close`. */
  close(): Promise<void> {
    return this.connection.close();
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
   * const reply = await io.read(); // 'PONG'
   * ```
   */
  async read(): Promise<TDecoded | undefined> {
    if (this.#index < this.#pending.length) {
      this.#counts.in++;
      return this.#pending[this.#index++];
    }
    const frames = await this.#read();
    if (frames === undefined) return undefined;
    this.#pending = frames;
    this.#index = 1;
    this.#counts.in++;
    return frames[0];
  }

  /**
   * Frames in arrays, one array per chunk received: the fastest way to read
   * many small frames, since it pays one `await` per chunk instead of one per
   * frame.
   *
   * @example
   * ```ts
   * for await (const frames of io.batches()) for (const frame of frames) handle(frame);
   * ```
   */
  batches(): AsyncIterable<TDecoded[]> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<TDecoded[], undefined>> => {
          if (this.#index < this.#pending.length) {
            const rest = this.#pending.slice(this.#index);
            this.#take(rest.length);
            return { value: rest, done: false };
          }
          const frames = await this.#read();
          if (frames === undefined) return DONE;
          this.#take(frames.length);
          return { value: frames, done: false };
        },
        return: () => this.#leave(),
      }),
    };
  }

  /** Iterates decoded frames; leaving early closes the connection unless `keepOpen`. */
  [Symbol.asyncIterator](): AsyncIterator<TDecoded, undefined> {
    return {
      next: () => {
        if (this.#index < this.#pending.length) {
          this.#counts.in++;
          return Promise.resolve({ value: this.#pending[this.#index++] as TDecoded, done: false });
        }
        return this.#nextFromSocket();
      },
      return: () => this.#leave(),
    };
  }

  async #nextFromSocket(): Promise<IteratorResult<TDecoded, undefined>> {
    const frames = await this.#read();
    if (frames === undefined) return DONE;
    this.#pending = frames;
    this.#index = 1;
    this.#counts.in++;
    return { value: frames[0] as TDecoded, done: false };
  }

  /** Reads chunks until they complete at least one frame; undefined at the end. */
  async #read(): Promise<TDecoded[] | undefined> {
    const decoder = (this.#decoder ??= this.#codec.decoder());
    for (;;) {
      if (this.#inputEnded) return undefined;
      const chunk = await this.#source.next(this.#signal);
      let frames: TDecoded[];
      try {
        if (chunk.done) {
          this.#inputEnded = true;
          frames = decoder.end();
        } else {
          frames = decoder.decode(chunk.value);
        }
      } catch (error) {
        this.#inputEnded = true;
        this.connection.destroy(error as Error);
        throw error;
      }
      if (frames.length > 0) {
        this.#pending = NO_FRAMES;
        this.#index = 0;
        return frames;
      }
    }
  }

  #take(count: number): void {
    this.#pending = NO_FRAMES;
    this.#index = 0;
    this.#counts.in += count;
  }

  async #leave(): Promise<IteratorReturnResult<undefined>> {
    if (!this.#keepOpen) await this.connection.close();
    return DONE;
  }
}
