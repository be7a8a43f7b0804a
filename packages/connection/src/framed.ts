import { type Codec, EncodeError, type Encoder } from '@sluice/codec';
import type { AbortOptions } from '@sluice/core';
import { AbortError, checkOption, checkOptionKeys, InvalidArgumentError, type TakeNow } from '@sluice/core';
import type { ByChunkOptions } from './by-chunk-options.js';
import type { Connection } from './connection.js';
import { FrameIterator } from './internal/frame-iterator.js';
import { FrameReader } from './internal/frame-reader.js';
import type { FramedHost } from './internal/framed-host.js';
import { kindOf } from './internal/kind-of.js';
import { hasUnknownKeys, rejectUnknownKeys } from './internal/option-keys.js';
import { DONE, RESOLVED, raceSignal } from './internal/settle.js';
import type { ReadOptions } from './read-options.js';

/**
 * A connection seen through a codec: an async iterable of decoded frames,
 * with `write(frame)` to send one. Created by `conn.framed(codec)`.
 *
 * Frames decoded from one chunk are handed out before the next chunk is read,
 * so reading stays pull-driven and memory stays bounded by the codec's limits
 * and the connection's `readCapacity`. A decode error (`ERR_FRAME_TOO_LONG`,
 * `ERR_DECODE`, `ERR_TRUNCATED_FRAME`, `ERR_CODEC_CONTRACT`) rejects the read
 * after the frames the decoder pushed before it, destroys the connection, and
 * rejects every later read too.
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
  readonly #host: FramedHost;
  readonly #reader: FrameReader<TDecoded>;
  readonly #keepOpen: boolean;
  /** The signal of every read (`framed(codec, { signal })`). */
  readonly #signal: AbortSignal | undefined;
  #encoder: Encoder<TEncoded> | undefined;

  /** @internal Use `conn.framed(codec)`. */
  constructor(connection: Connection, host: FramedHost, codec: Codec<TDecoded, TEncoded>, options: ReadOptions = {}) {
    this.connection = connection;
    this.#host = host;
    this.#codec = codec;
    this.#reader = new FrameReader(codec, host, options.frameTimeout ?? 0);
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
    this.#host.countFrames('out', 1);
    return this.#host.writeFrame(bytes, options, this.#codec.wire === 'text');
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
    let signal = this.#signal;
    if (options?.signal !== undefined) {
      checkOption('read(): signal', options.signal, 'signal');
      if (options.signal.aborted) throw new AbortError(options.signal.reason);
      signal = signal === undefined ? options.signal : AbortSignal.any([options.signal, signal]);
    }
    const result = await this.#reader.next(signal);
    return result.done ? undefined : result.value;
  }

  /**
   * Frames in arrays, one array per chunk received: the fastest way to read
   * many small frames, since it pays one `await` per chunk instead of one per
   * frame. With `{ reuse: true }` the loop gets one array, emptied when it
   * asks for the next chunk's frames (copy what you keep): a handler waiting
   * for its next chunk then holds none of the last one's frames, which
   * matters with thousands of connections (see {@link ByChunkOptions}).
   * Throws `ERR_INVALID_ARG` on an unknown or mistyped option.
   *
   * @example
   * ```ts
   * for await (const frames of io.byChunk({ reuse: true })) for (const frame of frames) handle(frame);
   * ```
   */
  byChunk(options?: ByChunkOptions): AsyncIterable<TDecoded[]> {
    checkOptionKeys('byChunk()', options, ['reuse']);
    checkOption('byChunk(): reuse', options?.reuse, 'boolean');
    const reuse = options?.reuse === true;
    return {
      [Symbol.asyncIterator]: () => {
        const into: TDecoded[] | undefined = reuse ? [] : undefined;
        return {
          next: () => this.#reader.nextBatch(this.#signal, into),
          return: () => this.#leave(),
        };
      },
    };
  }

  /** Iterates decoded frames; leaving early closes the connection unless `keepOpen`. */
  [Symbol.asyncIterator](): AsyncIterator<TDecoded, undefined> & TakeNow<TDecoded> {
    return new FrameIterator(this.#reader, this.#signal, this.#keepOpen ? undefined : this.connection);
  }

  async #leave(): Promise<IteratorReturnResult<undefined>> {
    if (!this.#keepOpen) await this.connection.close();
    return DONE;
  }
}
