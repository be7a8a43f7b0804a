import { checkOption, checkOptionKeys, InvalidArgumentError } from '@sluice/core';
import { encodeUtf8 } from './bytes.js';
import { checkDecoded } from './check-decoded.js';
import type { Codec, Decoder, Encoder } from './codec.js';
import { DecodeError, EncodeError } from './errors.js';
import { emptyList } from './internal/empty-list.js';
import { type FrameKind, frameKindOf } from './internal/frame-kind.js';
import { lines } from './lines.js';

/**
 * Options of {@link json}: the framing, its limit and the JSON hooks.
 *
 * @example Length-prefixed JSON with dates revived
 * ```ts
 * const options: JsonOptions = {
 *   framing: lengthPrefixed({ maxFrameLength: 1 << 20 }),
 *   reviver: (key, value) => (key === 'at' ? new Date(value as string) : value),
 * };
 * const codec = json(options);
 * ```
 */
export interface JsonOptions {
  /**
   * How values are delimited on the wire: any codec of `string` or
   * `Uint8Array` frames (byte frames are read as UTF-8). The default is
   * NDJSON: one value per line, `lines({ maxFrameLength, fatal: true })`.
   * @default lines({ maxFrameLength, fatal: true })
   */
  readonly framing?: Codec<string> | Codec<Uint8Array> | undefined;
  /**
   * Whether `framing` takes `'string'` or `'bytes'` frames. Sluice's own
   * codecs say so themselves; set it for a custom framing codec of strings.
   * @default detected for built-in codecs, otherwise 'bytes'
   */
  readonly frames?: 'string' | 'bytes' | undefined;
  /** Passed to `JSON.parse` for every decoded value. */
  readonly reviver?: ((key: string, value: unknown) => unknown) | undefined;
  /** Passed to `JSON.stringify` for every encoded value. */
  readonly replacer?: ((key: string, value: unknown) => unknown) | undefined;
  /**
   * The longest NDJSON line, in bytes. Only for the default framing: with
   * `framing`, set the limit on that codec (giving both is an `ERR_INVALID_ARG` error).
   * @default 1048576 (1 MiB)
   */
  readonly maxFrameLength?: number | undefined;
}

/**
 * JSON values, one per frame: NDJSON (newline-delimited JSON) by default, or
 * over any framing codec, such as `json({ framing: lengthPrefixed() })`.
 *
 * Decoding parses each frame with `JSON.parse`. Over lines (the default, or
 * a `lines()` framing) it skips blank ones (a keep-alive newline, a trailing
 * empty line); over any other framing (WebSocket messages, length prefixes)
 * an empty or blank frame is no JSON value: `ERR_DECODE`. `T` is not checked: validate
 * decoded values if the peer is untrusted. Encoding uses `JSON.stringify`,
 * whose output never holds a raw newline, so every value fits on one line.
 *
 * Errors: `ERR_DECODE` (invalid JSON or UTF-8, with the parser's error as
 * `cause`), `ERR_ENCODE` (a value `JSON.stringify` rejects or cannot
 * represent: `undefined`, a function, a symbol, a `BigInt`, a cycle), and
 * whatever the framing raises (`ERR_FRAME_TOO_LONG`, `ERR_TRUNCATED_FRAME`;
 * `ERR_CODEC_CONTRACT` for a custom framing whose decoder returns its frames).
 *
 * @typeParam T The type of the values, trusted as is.
 * @param options Framing, limits and JSON hooks; see {@link JsonOptions}.
 * @returns A codec of JSON values.
 *
 * @example NDJSON
 * ```ts
 * import { json } from '@sluice/codec';
 *
 * const codec = json<{ id: number }>();
 * const bytes = codec.encoder().encode({ id: 1 }); // bytes of '{"id":1}\n'
 * const values: { id: number }[] = [];
 * codec.decoder().decode(bytes, values); // values: [{ id: 1 }]
 * ```
 *
 * @example JSON messages behind a 4-byte length
 * ```ts
 * const rpc = json({ framing: lengthPrefixed({ maxFrameLength: 1 << 20 }) });
 * ```
 */
export function json<T = unknown>(options: JsonOptions = {}): Codec<T> {
  checkOption('json(): options', options, 'object');
  checkOptionKeys('json()', options, ['framing', 'frames', 'reviver', 'replacer', 'maxFrameLength']);
  const { framing, reviver, replacer } = options;
  checkOption('json(): framing', framing, 'codec');
  checkOption('json(): frames', options.frames, { oneOf: ['string', 'bytes'] });
  checkOption('json(): reviver', reviver, 'function');
  checkOption('json(): replacer', replacer, 'function');
  checkOption('json(): maxFrameLength', options.maxFrameLength, { integer: [0] });
  if (framing !== undefined && options.maxFrameLength !== undefined) {
    throw new InvalidArgumentError(
      'json(): maxFrameLength applies to the default framing; set the limit on your framing codec',
    );
  }
  // Strict UTF-8: invalid bytes are ERR_DECODE, never silently replaced by U+FFFD.
  const inner = (framing ?? lines({ maxFrameLength: options.maxFrameLength ?? 1024 * 1024, fatal: true })) as Codec<
    string | Uint8Array
  >;
  const kind = options.frames ?? frameKindOf(inner) ?? 'bytes';
  const name = framing === undefined ? 'ndjson' : `json(${inner.name ?? 'custom'})`;
  return {
    name,
    // JSON is text; it stays text on the wire unless the framing adds binary (a length header).
    wire: inner.wire === 'binary' ? 'binary' : 'text',
    decoder: () => jsonDecoder<T>(inner.decoder(), name, reviver, framing === undefined || inner.name === 'lines'),
    encoder: () => jsonEncoder<T>(inner.encoder(), kind, replacer),
  };
}

/** `feed()`: the input is over. */
const END_OF_INPUT: unique symbol = Symbol('end of input');

function jsonDecoder<T>(
  inner: Decoder<string | Uint8Array>,
  name: string,
  reviver: JsonOptions['reviver'],
  skipBlank: boolean,
): Decoder<T> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  /** The framing's frames of one call, parsed and emptied before the call returns. */
  const texts: (string | Uint8Array)[] = [];
  // Parses what the framing pushed, dropping blank lines, then throws the
  // framing's error if it threw (`failed`): its frames' values go first,
  // unless one of them is bad (that error comes first in the stream).
  const parse = (values: T[], failed: boolean, error: unknown): void => {
    try {
      for (let i = 0; i < texts.length; i++) {
        const frame = texts[i] as string | Uint8Array;
        const text = typeof frame === 'string' ? frame : toText(utf8, frame);
        try {
          values.push(JSON.parse(text, reviver) as T);
        } catch (thrown) {
          if (skipBlank && text.trim() === '') continue;
          throw parseError(text, reviver, thrown);
        }
      }
    } finally {
      emptyList(texts);
    }
    if (failed) throw error;
  };
  // Feeds the framing one chunk (or the end) and parses what it pushed, with no closure made per chunk.
  const feed = (chunk: Uint8Array | typeof END_OF_INPUT, values: T[]): void => {
    let failed = false;
    let error: unknown;
    try {
      checkDecoded(name, chunk === END_OF_INPUT ? inner.end(texts) : inner.decode(chunk, texts), texts);
    } catch (thrown) {
      failed = true;
      error = thrown;
    }
    parse(values, failed, error);
  };
  const decoder: Decoder<T> = {
    decode: (chunk, values) => feed(chunk, values),
    end: (values) => feed(END_OF_INPUT, values),
  };
  // Hands back what the framing holds, if the framing can.
  if (inner.remaining !== undefined) decoder.remaining = () => inner.remaining!();
  return decoder;
}

/**
 * The error of a frame `JSON.parse` refused. With a reviver, valid JSON can
 * fail too: the reviver threw, or the value nests deeper than the engine's
 * recursive reviver walk has stack for (the parser itself has no such limit).
 */
function parseError(text: string, reviver: JsonOptions['reviver'], error: unknown): DecodeError {
  const message = (error as Error).message;
  if (reviver === undefined || !isJson(text)) {
    return new DecodeError(`Invalid JSON in a ${text.length}-character frame: ${message}`, { cause: error });
  }
  if (error instanceof RangeError && /call stack/i.test(message)) {
    return new DecodeError(
      `Valid JSON in a ${text.length}-character frame nests too deeply for the reviver (the call stack ran out)`,
      { cause: error },
    );
  }
  return new DecodeError(`The reviver threw on a ${text.length}-character JSON frame: ${message}`, { cause: error });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function toText(utf8: TextDecoder, frame: Uint8Array): string {
  try {
    return utf8.decode(frame);
  } catch (error) {
    throw new DecodeError(`Invalid UTF-8 in a ${frame.length}-byte JSON frame`, { cause: error });
  }
}

function jsonEncoder<T>(inner: Encoder<string | Uint8Array>, kind: FrameKind, replacer: JsonOptions['replacer']) {
  return {
    encode(value: T): Uint8Array {
      let text: string | undefined;
      try {
        text = JSON.stringify(value, replacer);
      } catch (error) {
        throw new EncodeError(`Cannot encode value as JSON: ${(error as Error).message}`, { cause: error });
      }
      if (text === undefined) throw new EncodeError(`Cannot encode ${typeof value} as JSON`);
      return inner.encode(kind === 'string' ? text : encodeUtf8(text));
    },
  } satisfies Encoder<T>;
}
