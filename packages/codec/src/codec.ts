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
 *         decode(chunk, frames) {
 *           let pos = 0;
 *           if (filled > 0) {
 *             const take = Math.min(size - filled, chunk.length);
 *             partial.set(chunk.subarray(0, take), filled);
 *             filled += take;
 *             pos = take;
 *             if (filled < size) return;
 *             frames.push(partial.slice());
 *             filled = 0;
 *           }
 *           for (; pos + size <= chunk.length; pos += size) frames.push(chunk.subarray(pos, pos + size));
 *           partial.set(chunk.subarray(pos));
 *           filled = chunk.length - pos;
 *         },
 *         end() {
 *           if (filled > 0) throw new TruncatedFrameError(filled);
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
 * Per-stream decoding state: fed byte chunks in order, it pushes the frames
 * each chunk completes onto the array it is given, and keeps any incomplete
 * tail for the next call.
 *
 * Contract:
 * - `decode(chunk, frames)` pushes the frames completed by `chunk` (often
 *   none, often one, sometimes many) onto `frames`, in order, and returns
 *   nothing. It may keep a reference to `chunk`: the caller does not modify a
 *   chunk after handing it over. A chunk may be empty.
 * - `end(frames)` is called once when input ends. It pushes any final
 *   frames, or throws a `TruncatedFrameError` if input stopped inside a frame.
 * - On bad input, throw a coded error (`ERR_FRAME_TOO_LONG`, `ERR_DECODE`, …)
 *   at once. Frames pushed before the throw are not lost: the reader hands
 *   them out first, then the error. After a throw the decoder is not used again.
 * - Never allocate a buffer sized by an untrusted header beyond the codec's
 *   configured limit.
 * - `remaining()` (optional, but implement it) hands back the bytes the
 *   decoder holds that are not part of any frame it pushed, in order. It is
 *   called when another reader takes over the same stream (switching
 *   protocols after a greeting, as tokio's `FramedParts` and Netty's handler
 *   replacement do), and the decoder is not used again. A decoder without it
 *   cannot hand its bytes back: they are lost. Bytes a decoder drops without
 *   making a frame of them (`json()`'s blank lines) belong to no frame and
 *   are not handed back.
 *
 * A decoder written before 0.1.0 returned its frames instead; the readers
 * refuse one with `ERR_CODEC_CONTRACT` (see {@link checkDecoded}), never
 * with wrong frames.
 */
export interface Decoder<T> {
  /**
   * Feeds the next chunk: pushes the frames it completes onto `frames`, in order.
   *
   * @example
   * ```ts
   * const frames: string[] = [];
   * decoder.decode(new TextEncoder().encode('one\ntwo\nthr'), frames); // frames: ['one', 'two']
   * ```
   */
  decode(chunk: Uint8Array, frames: T[]): void;
  /** Signals the end of input: pushes final frames, or throws on a partial frame. */
  end(frames: T[]): void;
  /**
   * The bytes held but not yet pushed as frames, in order (often none).
   *
   * @example A decoder that keeps its partial input in pending
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
 * const frames: Uint8Array[] = [];
 * codec.decoder().decode(bytes, frames); // frames: [Uint8Array [104, 105]]
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
