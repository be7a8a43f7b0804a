import { checkOptionKeys } from '@sluice/core';
import type { Codec } from './codec.js';
import { withFrameKind } from './internal/frame-kind.js';
import { resolveLines } from './internal/lines-config.js';
import { LinesDecoder } from './internal/lines-decoder.js';
import { LinesEncoder } from './internal/lines-encoder.js';

/**
 * Options of {@link lines}: the delimiter, the limit and the text encoding.
 *
 * @example CRLF-delimited records of at most 1 KiB, strict about the last one
 * ```ts
 * const options: LinesOptions = { delimiter: '\r\n', maxFrameLength: 1024, allowUnterminated: false };
 * const codec = lines(options);
 * ```
 */
export interface LinesOptions {
  /**
   * What ends a line: a string (encoded as UTF-8) or any byte sequence.
   * For encodings other than UTF-8, give the delimiter's bytes.
   * @default '\n'
   */
  readonly delimiter?: string | Uint8Array | undefined;
  /**
   * The longest line accepted, in bytes, not counting the delimiter (nor a
   * stripped `'\r'`). The decoder throws `ERR_FRAME_TOO_LONG` as soon as the
   * unfinished line it buffers exceeds it, without waiting for a delimiter;
   * the encoder refuses longer lines.
   * @default 65536
   */
  readonly maxFrameLength?: number | undefined;
  /**
   * The text encoding, any label `TextDecoder` knows. Only UTF-8 can be
   * encoded: with another encoding, `encode()` throws `ERR_ENCODE`.
   * @default 'utf-8'
   */
  readonly encoding?: string | undefined;
  /**
   * Throw `ERR_DECODE` on malformed text instead of decoding it to U+FFFD.
   * @default false
   */
  readonly fatal?: boolean | undefined;
  /**
   * Drop one `'\r'` before each delimiter, so CRLF input reads cleanly (also
   * when the CR and the LF arrive in different chunks). The encoder then
   * refuses lines ending in `'\r'`, which would not survive a round trip.
   * @default true when the delimiter is '\n', otherwise false
   */
  readonly stripCR?: boolean | undefined;
  /**
   * What `end()` does with a final line that has no delimiter: yield it
   * (`true`, as Netty and tokio do), or throw `ERR_TRUNCATED_FRAME`. Input
   * ending with a delimiter has no final line, so `'a\n'` gives `['a']`.
   * @default true
   */
  readonly allowUnterminated?: boolean | undefined;
}

/**
 * Text lines: decodes bytes to `string` lines without their delimiters, and
 * encodes a `string` by appending the delimiter.
 *
 * Scanning is linear: each byte is searched once, whatever the chunking, and
 * a line spanning chunks is joined once, when its delimiter arrives. Lines
 * within a chunk are cut from a single decode of the chunk; such strings may
 * share memory with the chunk's text, as `String.prototype.split` results do.
 * A byte-order mark is kept, not stripped.
 *
 * Errors: `ERR_FRAME_TOO_LONG` (a line over `maxFrameLength`, found before its
 * delimiter arrives), `ERR_DECODE` (malformed text under `fatal`),
 * `ERR_TRUNCATED_FRAME` (an unterminated final line with
 * `allowUnterminated: false`), `ERR_ENCODE` (a line containing the
 * delimiter, or ending in a CR that `stripCR` would drop). Bad options throw
 * a `InvalidArgumentError` (code `ERR_INVALID_ARG`) at once.
 *
 * @param options Delimiter, limits and text encoding; see {@link LinesOptions}.
 * @returns A codec of `string` lines.
 *
 * @example Reading newline-delimited text (CRLF too)
 * ```ts
 * import { lines } from '@sluice/codec';
 *
 * const decoder = lines().decoder();
 * const out: string[] = [];
 * decoder.decode(new TextEncoder().encode('one\r\ntw'), out); // out: ['one']
 * decoder.decode(new TextEncoder().encode('o\nthree'), out);  // out: ['one', 'two']
 * decoder.end(out);                                           // out: ['one', 'two', 'three']
 * ```
 *
 * @example A custom delimiter and limit
 * ```ts
 * const records = lines({ delimiter: '\0', maxFrameLength: 1024 });
 * records.encoder().encode('a record'); // bytes of 'a record\0'
 * ```
 */
export function lines(options: LinesOptions = {}): Codec<string> {
  const config = resolveLines(options);
  checkOptionKeys('lines()', options, [
    'delimiter',
    'maxFrameLength',
    'encoding',
    'fatal',
    'stripCR',
    'allowUnterminated',
  ]);
  return withFrameKind(
    {
      name: 'lines',
      wire: 'text',
      decoder: () => new LinesDecoder(config),
      encoder: () => new LinesEncoder(config),
    },
    'string',
  );
}
