/**
 * Framing codecs for byte streams: how a stream of chunks becomes messages,
 * and messages become bytes.
 *
 * A {@link Codec} describes a wire format. Each stream asks it for its own
 * {@link Decoder} (fed chunks, pushes the frames they complete) and
 * {@link Encoder} (turns one frame into bytes), so one codec value serves any
 * number of connections. Built in:
 *
 * - {@link lengthPrefixed}: a 1, 2, 4 or 8-byte or varint length, then the
 *   payload (Netty's `lengthAdjustment` and `lengthIncludesHeader` knobs).
 * - {@link lines}: delimited text lines (`\n` by default, CRLF tolerated).
 * - {@link text}: unframed text, never splitting a character.
 * - {@link json}: JSON values, NDJSON by default or over any framing.
 *
 * {@link decode}, {@link decodeByChunk} and {@link encode} turn a codec into
 * async-iterable transforms for `pipe()`. Every limit is checked before
 * buffering (a hostile length header fails at once) and every encoder refuses
 * what its decoder would refuse. Errors carry stable codes:
 * `ERR_FRAME_TOO_LONG`, `ERR_TRUNCATED_FRAME`, `ERR_DECODE`, `ERR_ENCODE`.
 *
 * Writing your own codec takes two small objects; see the netstring codec in
 * the README (a worked, tested example) and the {@link Codec} docs.
 *
 * @example Round-trip length-prefixed frames through arbitrary chunking
 * ```ts
 * import { decode, encode, lengthPrefixed } from '@sluice/codec';
 *
 * const codec = lengthPrefixed({ width: 'varint' });
 * const frames = ['hello', 'world'].map((s) => new TextEncoder().encode(s));
 * const chunks: Uint8Array[] = [];
 * for await (const bytes of encode(codec)(frames)) chunks.push(bytes);
 * // Cut the bytes at an odd place: frames are reassembled regardless.
 * const all = new Uint8Array([...chunks[0]!, ...chunks[1]!]);
 * const split = [all.subarray(0, 3), all.subarray(3)];
 * for await (const frame of decode(codec)(split)) {
 *   console.log(new TextDecoder().decode(frame)); // hello, world
 * }
 * ```
 *
 * @module @sluice/codec
 */
export { allocateBytes, encodeUtf8 } from './bytes.js';
export { checkDecoded } from './check-decoded.js';
export type * from './codec.js';
export { decode } from './decode.js';
export { decodeByChunk } from './decode-by-chunk.js';
export { encode } from './encode.js';
export { CodecContractError, DecodeError, EncodeError, FrameTooLongError, TruncatedFrameError } from './errors.js';
export { type JsonOptions, json } from './json.js';
export { type LengthPrefixedOptions, lengthPrefixed } from './length-prefixed.js';
export { type LinesOptions, lines } from './lines.js';
export { type TextOptions, text } from './text.js';
