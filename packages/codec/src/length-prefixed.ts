import { checkOptionKeys } from '@sluice/core';
import type { Codec } from './codec.js';
import { withFrameKind } from './internal/frame-kind.js';
import { resolveLengthField } from './internal/length-field.js';
import { LengthPrefixedDecoder } from './internal/length-prefixed-decoder.js';
import { LengthPrefixedEncoder } from './internal/length-prefixed-encoder.js';

/**
 * Options of {@link lengthPrefixed}: the header's layout and the size limit.
 *
 * @example A 2-byte little-endian length that counts itself, frames up to 4 KiB
 * ```ts
 * const options: LengthPrefixedOptions = { width: 2, endian: 'le', lengthIncludesHeader: true, maxFrameLength: 4096 };
 * const codec = lengthPrefixed(options);
 * ```
 */
export interface LengthPrefixedOptions {
  /**
   * Size of the length field in bytes, or `'varint'` for an unsigned LEB128
   * varint (protobuf, libp2p; at most 10 bytes, at most
   * `Number.MAX_SAFE_INTEGER`).
   * @default 4
   */
  readonly width?: 1 | 2 | 4 | 8 | 'varint' | undefined;
  /**
   * Byte order of a fixed-width length field. Ignored for `'varint'`.
   * @default 'be'
   */
  readonly endian?: 'be' | 'le' | undefined;
  /**
   * The largest payload accepted, in bytes. The decoder checks it on the
   * header, before buffering anything; the encoder refuses larger frames.
   * @default 16777216 (16 MiB)
   */
  readonly maxFrameLength?: number | undefined;
  /**
   * Whether the length field counts the header itself (Netty's
   * `lengthIncludesHeader`, tokio's negative `length_adjustment`).
   * @default false
   */
  readonly lengthIncludesHeader?: boolean | undefined;
  /**
   * Added to the length field to get the payload length (Netty's
   * `lengthAdjustment`), for protocols whose length also counts, say, a
   * trailer. Applied after `lengthIncludesHeader`.
   * @default 0
   */
  readonly lengthAdjustment?: number | undefined;
  /**
   * Return each frame in its own buffer. By default a frame that arrives
   * within one chunk is a *view* (`subarray`) of that chunk: free to make,
   * but it keeps the whole chunk alive. Set `copy: true` if you keep frames
   * long after decoding them. (A frame that spans chunks is always in its
   * own buffer.)
   * @default false
   */
  readonly copy?: boolean | undefined;
}

/**
 * Frames carried as a length field followed by that many payload bytes: the
 * most common binary framing (Netty's `LengthFieldBasedFrameDecoder`, tokio's
 * `LengthDelimitedCodec`, libp2p's `it-length-prefixed`).
 *
 * Decoded frames are `Uint8Array` **views** of the input chunk when a frame
 * lies inside one chunk; see `copy`. A frame spanning chunks is gathered as
 * its bytes arrive and copied once into a buffer of exactly its size when it
 * is complete, so memory follows what the peer sent, never what its header
 * announced; a header over `maxFrameLength` (such as `ff ff ff ff`) fails at
 * once and allocates nothing.
 *
 * Errors: `ERR_FRAME_TOO_LONG` (header over the limit, or a frame the encoder
 * cannot express), `ERR_DECODE` (over-long varint, or a length field giving a
 * negative payload), `ERR_TRUNCATED_FRAME` (input ended inside a frame),
 * `ERR_ENCODE` (a length field that would be negative). Bad options throw a
 * `InvalidArgumentError` (code `ERR_INVALID_ARG`) at once.
 *
 * @param options Header layout and limits; see {@link LengthPrefixedOptions}.
 * @returns A codec of `Uint8Array` frames.
 *
 * @example 4-byte big-endian length, then the payload
 * ```ts
 * import { lengthPrefixed } from '@sluice/codec';
 *
 * const codec = lengthPrefixed();
 * const bytes = codec.encoder().encode(new TextEncoder().encode('hi'));
 * // bytes: 00 00 00 02 68 69
 * const frames: Uint8Array[] = [];
 * codec.decoder().decode(bytes, frames); // frames: [Uint8Array [104, 105]]
 * ```
 *
 * @example A varint prefix, as libp2p streams use
 * ```ts
 * for await (const msg of decode(lengthPrefixed({ width: 'varint', maxFrameLength: 4096 }))(stream)) {
 *   handle(msg);
 * }
 * ```
 */
export function lengthPrefixed(options: LengthPrefixedOptions = {}): Codec<Uint8Array> {
  const field = resolveLengthField(options);
  checkOptionKeys('lengthPrefixed()', options, [
    'width',
    'endian',
    'maxFrameLength',
    'lengthIncludesHeader',
    'lengthAdjustment',
    'copy',
  ]);
  return withFrameKind(
    {
      name: 'lengthPrefixed',
      wire: 'binary',
      decoder: () => new LengthPrefixedDecoder(field),
      encoder: () => new LengthPrefixedEncoder(field),
    },
    'bytes',
  );
}
