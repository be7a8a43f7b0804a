/**
 * The errors codecs raise. Each has a `name` and a stable `code` and extends
 * `SluiceError` from `@sluice/core`, so callers branch on `err.code` (which
 * survives duplicate installs) rather than on `instanceof`.
 *
 * | Class                 | `code`               | Raised when                                        |
 * | --------------------- | -------------------- | -------------------------------------------------- |
 * | `FrameTooLongError`   | `ERR_FRAME_TOO_LONG` | a header or partial frame exceeds the limit        |
 * | `TruncatedFrameError` | `ERR_TRUNCATED_FRAME`| input ended inside a frame                         |
 * | `DecodeError`         | `ERR_DECODE`         | the bytes are malformed (bad varint, JSON, UTF-8)  |
 * | `EncodeError`         | `ERR_ENCODE`         | a value cannot be encoded in this format           |
 * | `CodecContractError`  | `ERR_CODEC_CONTRACT` | a decoder returned frames instead of pushing them  |
 *
 * @module
 */
import { SluiceError } from '@sluice/core';

/**
 * A frame is longer than the codec allows, or than its length field can
 * express. Decoders raise it from the header alone, before buffering the
 * payload; encoders raise it before sending, so the peer never has to.
 *
 * @example
 * ```ts
 * const codec = lengthPrefixed({ maxFrameLength: 1024 });
 * codec.encoder().encode(new Uint8Array(2048));
 * // throws FrameTooLongError: "Frame too long: 2048 bytes, limit 1024"
 * ```
 */
export class FrameTooLongError extends SluiceError {
  /** `'FrameTooLongError'`, as stack traces show it. */
  override name = 'FrameTooLongError';
  /** The size seen: the announced length, or the bytes buffered so far. */
  readonly size: number;
  /** The limit that `size` exceeded. */
  readonly limit: number;

  /**
   * @param size The frame's length, or the bytes buffered without finding its end.
   * @param limit The configured or representable maximum.
   * @param what What was too long, for the message (`'Frame'`, `'Line'`).
   */
  constructor(size: number, limit: number, what = 'Frame') {
    super('ERR_FRAME_TOO_LONG', `${what} too long: ${size} bytes, limit ${limit}`);
    this.size = size;
    this.limit = limit;
  }
}

/**
 * Input ended in the middle of a frame: a header without its payload, a
 * payload shorter than announced, or (with `allowUnterminated: false`) a line
 * without its delimiter. Raised by `Decoder.end()`.
 *
 * @example
 * ```ts
 * const decoder = lengthPrefixed().decoder();
 * const frames: Uint8Array[] = [];
 * decoder.decode(Uint8Array.of(0, 0, 0, 5, 104, 105), frames);
 * decoder.end(frames); // throws TruncatedFrameError: "Input ended inside a frame: 6 bytes buffered"
 * ```
 */
export class TruncatedFrameError extends SluiceError {
  /** `'TruncatedFrameError'`, as stack traces show it. */
  override name = 'TruncatedFrameError';
  /** How many bytes of the unfinished frame had arrived. */
  readonly buffered: number;

  /** @param buffered Bytes of the unfinished frame received before the end. */
  constructor(buffered: number) {
    super('ERR_TRUNCATED_FRAME', `Input ended inside a frame: ${buffered} bytes buffered`);
    this.buffered = buffered;
  }
}

/**
 * The input is malformed for this codec: an over-long varint, a length field
 * that gives a negative payload, invalid JSON, or invalid text under
 * `fatal: true`. The underlying error, if any, is in `cause`.
 *
 * @example
 * ```ts
 * json().decoder().decode(new TextEncoder().encode('{oops}\n'), []);
 * // throws DecodeError (code 'ERR_DECODE') whose cause is the SyntaxError
 * ```
 */
export class DecodeError extends SluiceError {
  /** `'DecodeError'`, as stack traces show it. */
  override name = 'DecodeError';

  /**
   * @param message What was wrong, with the offending value.
   * @param options `cause`: the underlying error.
   */
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_DECODE', message, options);
  }
}

/**
 * A value cannot be encoded in this format: a line containing its delimiter,
 * a value `JSON.stringify` cannot represent, a length field that would be
 * negative, text in an encoding `TextEncoder` cannot produce.
 *
 * @example
 * ```ts
 * lines().encoder().encode('two\nlines');
 * // throws EncodeError: "Cannot encode line: it contains the delimiter"
 * ```
 */
export class EncodeError extends SluiceError {
  /** `'EncodeError'`, as stack traces show it. */
  override name = 'EncodeError';

  /**
   * @param message What could not be encoded, and why.
   * @param options `cause`: the underlying error.
   */
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_ENCODE', message, options);
  }
}

/**
 * A decoder broke the decoder contract: it returned its frames instead of
 * pushing them onto the array it was given (the contract before 0.1.0), or
 * returned something else. Raised by every reader before the decoder's
 * output is used, so a codec written to the old contract fails with this,
 * never with wrong frames. Change `decode(chunk)` to
 * `decode(chunk, frames)` and `end()` to `end(frames)`, push frames with
 * `frames.push(frame)`, and return nothing.
 *
 * @example
 * ```ts
 * const old = { decoder: () => ({ decode: (chunk: Uint8Array) => [chunk], end: () => [] }), encoder };
 * for await (const frame of conn.framed(old)) {} // rejects with ERR_CODEC_CONTRACT
 * ```
 */
export class CodecContractError extends SluiceError {
  /** `'CodecContractError'`, as stack traces show it. */
  override name = 'CodecContractError';

  /** @param message What the decoder did, and what the contract asks. */
  constructor(message: string) {
    super('ERR_CODEC_CONTRACT', message);
  }
}
