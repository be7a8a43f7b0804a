/**
 * The codec interface: how a stream of byte chunks becomes frames, and frames
 * become bytes. Modelled on tokio-util's `Decoder`/`Encoder` and Netty's frame
 * decoders.
 *
 * A {@link Codec} is a reusable, stateless *description* of a wire format.
 * Each stream asks it for a fresh {@link Decoder} (which holds that stream's
 * partial input) and a fresh {@link Encoder}. One codec value can therefore
 * serve any number of connections at once.
 *
 * @example A codec of fixed-size records, written from scratch
 * ```ts
 * import type { Codec } from '@sluice/codec';
 * import { EncodeError, TruncatedFrameError } from '@sluice/codec';
 *
 * export function fixedSize(size: number): Codec<Uint8Array> {
 *   return {
 *     name: `fixed-size(${size})`,
 *     decoder() {
 *       const partial = new Uint8Array(size); // never more than one record is buffered
 *       let filled = 0;
 *       return {
 *         decode(chunk) {
 *           const frames: Uint8Array[] = [];
 *           let pos = 0;
 *           if (filled > 0) {
 *             const take = Math.min(size - filled, chunk.length);
 *             partial.set(chunk.subarray(0, take), filled);
 *             filled += take;
 *             pos = take;
 *             if (filled < size) return frames;
 *             frames.push(partial.slice());
 *             filled = 0;
 *           }
 *           for (; pos + size <= chunk.length; pos += size) frames.push(chunk.subarray(pos, pos + size));
 *           partial.set(chunk.subarray(pos));
 *           filled = chunk.length - pos;
 *           return frames;
 *         },
 *         end() {
 *           if (filled > 0) throw new TruncatedFrameError(filled);
 *           return [];
 *         },
 *       };
 *     },
 *     encoder: () => ({
 *       encode(frame) {
 *         if (frame.length !== size) throw new EncodeError(`Record must be ${size} bytes, got ${frame.length}`);
 *         return frame;
 *       },
 *     }),
 *   };
 * }
 * ```
 *
 * A netstring codec, worked through step by step, is in the package README
 * (and tested in `test/support/netstring.ts`).
 *
 * @module
 */

/**
 * Per-stream decoding state: fed byte chunks in order, it returns the frames
 * each chunk completes and keeps any incomplete tail for the next call.
 *
 * Contract:
 * - `decode(chunk)` returns the frames completed by `chunk` (often none, often
 *   one, sometimes many), in order. It may keep a reference to `chunk`: the
 *   caller must not modify a chunk after handing it over.
 * - `end()` is called once when input ends. It returns any final frames, or
 *   throws a `TruncatedFrameError` if input stopped inside a frame.
 * - Either method may throw a coded error (`ERR_FRAME_TOO_LONG`,
 *   `ERR_DECODE`, …); after a throw the decoder is not used again.
 * - An error found after good frames of the same chunk: return those frames
 *   and throw the error on the next call, so that no good frame is lost to a
 *   bad one behind it. Callers (`Framed`, `decode()`) make that next call at
 *   once, with an empty chunk, so the error arrives right after the frames,
 *   not when more bytes come. A decoder must therefore accept an empty chunk;
 *   what it returns for that one is ignored (an empty chunk completes no
 *   frame). (Throwing at once, dropping those frames, is also allowed.)
 * - A decoder must never allocate a buffer sized by an untrusted header
 *   beyond its configured limit.
 * - `remaining()` (optional, but implement it) hands back the bytes the
 *   decoder holds that are not part of any frame it returned, in order. It is
 *   called when the decoder's reader is done and another takes over the same
 *   stream (switching protocols after a greeting, as tokio's `FramedParts`
 *   and Netty's handler replacement do), and the decoder is not used again.
 *   A decoder without it cannot hand its bytes back: they are lost.
 */
export interface Decoder<T> {
  /** Feeds the next chunk; returns the frames it completes, in order. */
  decode(chunk: Uint8Array): T[];
  /** Signals the end of input; returns final frames or throws on a partial frame. */
  end(): T[];
  /**
   * The bytes held but not yet returned as frames, in order (often none).
   * Throws the error the decoder holds, if any.
   *
   * @example A decoder that keeps its partial input in `pending`
   * ```ts
   * remaining: () => (pending.length > 0 ? [pending] : []),
   * ```
   */
  remaining?(): Uint8Array[];
}

/**
 * Turns one frame into the bytes that carry it. Encoders are usually
 * stateless; the codec still hands out one per stream so that stateful ones
 * (compression contexts, sequence numbers) are possible.
 *
 * An encoder must refuse (throw) any frame its decoder would refuse, so that
 * oversized frames are caught by the sender, not only by the receiver.
 */
export interface Encoder<T> {
  /** Returns the bytes for `frame`. */
  encode(frame: T): Uint8Array;
}

/**
 * A wire format: a factory of per-stream decoders and encoders.
 *
 * `TDecoded` is what decoding yields; `TEncoded` is what encoding accepts
 * (usually the same type; `lines()` decodes to `string` but also encodes
 * `string`). Codec values hold configuration only and can be shared freely.
 *
 * @example Using a codec directly
 * ```ts
 * const codec = lengthPrefixed({ width: 2 });
 * const bytes = codec.encoder().encode(new TextEncoder().encode('hi'));
 * const frames = codec.decoder().decode(bytes); // [Uint8Array [104, 105]]
 * ```
 */
export interface Codec<TDecoded, TEncoded = TDecoded> {
  /** A short name for messages and debugging, such as `'lines'`. */
  readonly name?: string | undefined;
  /**
   * What the encoded bytes are: `'text'` (always valid UTF-8, as `lines()`
   * and `json()` write) or `'binary'`. Transports with typed messages send
   * text as text: a WebSocket then carries `lines()` and `json()` frames as
   * text messages, which a browser's `event.data` reads as a string.
   * @default 'binary'
   */
  readonly wire?: 'text' | 'binary' | undefined;
  /** Creates the decoding state for one stream. */
  decoder(): Decoder<TDecoded>;
  /** Creates the encoding state for one stream. */
  encoder(): Encoder<TEncoded>;
}

/** The frame type a codec decodes to. */
export type DecodedOf<C> = C extends Codec<infer D, unknown> ? D : never;
/** The frame type a codec encodes from. */
export type EncodedOf<C> = C extends Codec<unknown, infer E> ? E : never;
