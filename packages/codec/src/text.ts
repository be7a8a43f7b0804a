import { checkOption, checkOptionKeys } from '@sluice/core';
import { encodeUtf8 } from './bytes.js';
import type { Codec, Decoder, Encoder } from './codec.js';
import { DecodeError, EncodeError } from './errors.js';
import { checkChunk, checkStringFrame } from './internal/check.js';
import { canonicalEncoding } from './internal/encoding-label.js';
import { withFrameKind } from './internal/frame-kind.js';

/**
 * Options of {@link text}: the encoding and how strict to be.
 *
 * @example Strict UTF-16LE
 * ```ts
 * const options: TextOptions = { encoding: 'utf-16le', fatal: true };
 * const codec = text(options);
 * ```
 */
export interface TextOptions {
  /**
   * The text encoding, any label `TextDecoder` knows (`'utf-8'`,
   * `'utf-16le'`, `'latin1'`, …). Only UTF-8 can be encoded: with another
   * encoding, `encode()` throws `ERR_ENCODE`.
   * @default 'utf-8'
   */
  readonly encoding?: string | undefined;
  /**
   * Throw `ERR_DECODE` on malformed input, including a character cut off by
   * the end of input, instead of decoding it to U+FFFD.
   * @default false
   */
  readonly fatal?: boolean | undefined;
}

/**
 * Unframed text: decodes each chunk to the string it completes, never
 * splitting a multi-byte character across two pieces (a character cut by a
 * chunk boundary is held back until the rest arrives). Chunks that complete
 * no character yield nothing rather than an empty string. A byte-order mark
 * is kept, not stripped. Encodes strings to UTF-8.
 *
 * Use it for streams that are text but not lines; use {@link lines} or
 * {@link json} when messages need boundaries.
 *
 * Errors: `ERR_DECODE` (malformed input under `fatal`), `ERR_ENCODE`
 * (encoding with a non-UTF-8 `encoding`). An unknown encoding label throws a
 * `InvalidArgumentError` (code `ERR_INVALID_ARG`) at once.
 *
 * @param options Encoding and strictness; see {@link TextOptions}.
 * @returns A codec of `string` pieces.
 *
 * @example A character split across chunks
 * ```ts
 * import { text } from '@sluice/codec';
 *
 * const decoder = text().decoder();
 * const pieces: string[] = [];
 * decoder.decode(Uint8Array.of(0x68, 0xc3), pieces); // pieces: ['h'] (0xc3 held back)
 * decoder.decode(Uint8Array.of(0xa9), pieces);       // pieces: ['h', 'é']
 * decoder.end(pieces);                               // nothing more
 * ```
 */
export function text(options: TextOptions = {}): Codec<string> {
  checkOption('text(): options', options, 'object');
  checkOptionKeys('text()', options, ['encoding', 'fatal']);
  const { encoding = 'utf-8', fatal = false } = options;
  checkOption('text(): encoding', encoding, 'string');
  checkOption('text(): fatal', fatal, 'boolean');
  const canonical = canonicalEncoding(encoding, 'text(): encoding');
  return withFrameKind(
    {
      name: 'text',
      wire: 'text',
      decoder: () => textDecoder(canonical, fatal),
      encoder: () => textEncoder(canonical),
    },
    'string',
  );
}

function textDecoder(encoding: string, fatal: boolean): Decoder<string> {
  const decoder = new TextDecoder(encoding, { fatal, ignoreBOM: true });
  let seen = 0;
  const run = (chunk: Uint8Array | undefined, frames: string[]): void => {
    let piece: string;
    try {
      piece = chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch (error) {
      const where = chunk === undefined ? 'at the end of input' : `in the ${seen} bytes up to this chunk`;
      throw new DecodeError(`Invalid ${encoding} ${where}`, { cause: error });
    }
    if (piece.length > 0) frames.push(piece);
  };
  return {
    decode(chunk, frames) {
      checkChunk('text', chunk);
      seen += chunk.length;
      run(chunk, frames);
    },
    end: (frames) => run(undefined, frames),
  };
}

function textEncoder(encoding: string): Encoder<string> {
  return {
    encode(value) {
      checkStringFrame('text', value);
      if (encoding !== 'utf-8') {
        throw new EncodeError(`Cannot encode text as ${encoding}: only utf-8 can be encoded (TextEncoder)`);
      }
      return encodeUtf8(value);
    },
  };
}
