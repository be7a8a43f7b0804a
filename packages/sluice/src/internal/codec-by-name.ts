import { type Codec, DecodeError, FrameTooLongError, lengthPrefixed, lines, text } from '@sluice/codec';
import { closestName, InvalidArgumentError } from '@sluice/core';
import { messages } from '@sluice/ws';
import { onlyWith } from './options.js';

/** The codec names the CLI knows, with what each takes. */
export const CODEC_HELP = `Codecs (--codec):
  lines      newline-delimited text (CRLF accepted)        --delimiter, --max-frame-length
  lp         length-prefixed binary frames                 --width 1|2|4|8, --endian be|le, --max-frame-length
  varint     length-prefixed, unsigned LEB128 length       --max-frame-length
  json       NDJSON: one JSON value per line               --max-frame-length
             (over WebSocket: one JSON value per text message)
  text       a raw UTF-8 text stream (no framing)
  messages   WebSocket only: one frame per message, raw    --max-frame-length
             bytes in binary messages
  ./FILE.js  a codec of your own (a path: ./, ../ or /, or a name ending in .js,
             .mjs, .ts…; taken from the current directory): the module's default
             export, or the one FILE.js#name picks, is a Codec or a function that
             returns one. It may also export fromLine(line), the frame a stdin line
             becomes (undefined: none; without it, the line as a string), and
             toLine(frame), the line a frame prints as (without it: a string or
             bytes as text, anything else as JSON). A .ts module needs node --import tsx.

Over WebSocket, lines, lp, varint and text read the messages as one byte
stream and send each frame as one message (text messages for lines and text).
For json and messages, --max-frame-length is the largest message accepted
(default 1 MiB): a larger one closes the connection (ERR_WS_MESSAGE_TOO_BIG).

A json value is sent, echoed and printed (-o text) as the text it came in,
never encoded again (which could change a number's digits); -o json prints it
encoded again, compact.`;

const toUtf8 = new TextEncoder();

const CODECS = ['lines', 'lp', 'varint', 'json', 'text', 'messages'];

/** What a codec runs over: a byte stream (TCP, TLS) or WebSocket messages. */
export type Carrier = 'stream' | 'websocket';

/** The largest WebSocket message accepted unless a codec's limit asks for more (as `@sluice/ws`). */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** The codecs' own defaults for `maxFrameLength`: `lines()` 64 KiB, `lengthPrefixed()` 16 MiB, NDJSON 1 MiB here. */
const DEFAULT_MAX_LINE = 64 * 1024;
const DEFAULT_MAX_FRAME = 16 * 1024 * 1024;
const DEFAULT_MAX_JSON = 1024 * 1024;
/** Room in a message for what a framing adds to a frame: a length of up to 10 bytes, or a delimiter. */
const FRAMING_OVERHEAD = 16;

export interface CodecSettings {
  /** @default 'lines' */
  codec?: string | undefined;
  width?: string | undefined;
  endian?: string | undefined;
  delimiter?: string | undefined;
  'max-frame-length'?: string | undefined;
}

/** What frames a codec yields: text, bytes, or JSON values (with the text they arrived as). */
export type FrameKind = 'text' | 'bytes' | 'json';

/**
 * A JSON value with the text it came as: a line typed or a line (or message)
 * received. It goes out as that text, never encoded again (which would turn
 * `12345678901234567890123` into `1.2345678901234568e+22`).
 */
export interface JsonFrame {
  text: string;
  value: unknown;
}

/** A codec chosen on the command line, and the kind of frames it yields. */
export interface CliCodec {
  name: string;
  kind: FrameKind;
  codec: Codec<unknown, unknown>;
  /** Over WebSocket: the largest message to accept (`maxPayload`). */
  maxPayload: number;
  /**
   * The longest stdin line that can be a frame, in bytes: a longer one is
   * refused while it is read, not held. `undefined` for `text`, which is
   * unframed: a long line goes out in pieces as it arrives.
   */
  maxLineLength: number | undefined;
  /** A codec module's: the frame a stdin line (UTF-8) becomes; `undefined` sends nothing. */
  frameOf?: ((line: string) => unknown) | undefined;
  /** A codec module's: how a received frame is printed. */
  show?: ((frame: unknown, format: import('./frame-format.js').OutputFormat) => string) | undefined;
}

/**
 * Builds the codec a command line names, for a byte stream or for WebSocket
 * messages (where `json` is one value per message, and `messages` exists);
 * refuses flags that codec would ignore.
 */
export function codecByName(settings: CodecSettings, carrier: Carrier = 'stream'): CliCodec {
  const name = settings.codec ?? 'lines';
  if (!CODECS.includes(name)) {
    const near = closestName(name, CODECS);
    throw new InvalidArgumentError(
      `unknown codec "${name}"${near === undefined ? '' : `: did you mean ${near}?`} (choose ${CODECS.join(', ')}, or a module's path such as ./codec.js; see --help)`,
    );
  }
  if (name === 'messages' && carrier !== 'websocket')
    throw new InvalidArgumentError('--codec messages only applies to WebSocket (connect ws://…, listen --ws)');
  const given = settings as unknown as Record<string, unknown>;
  onlyWith(given, ['width', 'endian'], name === 'lp', 'to --codec lp');
  onlyWith(given, ['delimiter'], name === 'lines', 'to --codec lines');
  onlyWith(given, ['max-frame-length'], name !== 'text', 'to framed codecs, not --codec text');
  const raw = settings['max-frame-length'];
  const maxFrameLength = raw === undefined ? undefined : Number(raw);
  if (
    maxFrameLength !== undefined &&
    !(/^\d+$/.test(raw as string) && Number.isSafeInteger(maxFrameLength) && maxFrameLength > 0)
  ) {
    throw new InvalidArgumentError(`--max-frame-length must be a positive whole number of bytes, got "${raw}"`);
  }
  const limit = maxFrameLength === undefined ? {} : { maxFrameLength };
  const delimiter = settings.delimiter === undefined ? undefined : parseDelimiter(settings.delimiter);
  // One frame per message: the frame limit is the message limit. A byte stream: a frame may span messages,
  // but each one sent is a message, so room for the largest frame.
  const perMessage = carrier === 'websocket' && (name === 'json' || name === 'messages');
  const maxPayload = perMessage
    ? (maxFrameLength ?? DEFAULT_MAX_PAYLOAD)
    : Math.max(DEFAULT_MAX_PAYLOAD, (maxFrameLength ?? 0) + FRAMING_OVERHEAD + Buffer.byteLength(delimiter ?? ''));
  const build = <D, E>(kind: FrameKind, codec: Codec<D, E>, maxLineLength?: number): CliCodec => ({
    name,
    kind,
    codec: codec as unknown as Codec<unknown, unknown>,
    maxPayload,
    maxLineLength,
  });
  switch (name) {
    case 'lines':
      return build(
        'text',
        lines({ ...limit, ...(delimiter === undefined ? {} : { delimiter }) }),
        maxFrameLength ?? DEFAULT_MAX_LINE,
      );
    case 'lp':
    case 'varint': {
      const width = name === 'varint' ? 'varint' : parseWidth(settings.width ?? '4');
      const endian = settings.endian ?? 'be';
      if (endian !== 'be' && endian !== 'le')
        throw new InvalidArgumentError(`--endian must be "be" or "le", got "${endian}"`);
      return build(
        'bytes',
        lengthPrefixed({ width, endian, ...(maxFrameLength ? { maxFrameLength: maxFrameLength } : {}) }),
        maxFrameLength ?? DEFAULT_MAX_FRAME,
      );
    }
    case 'json':
      return build(
        'json',
        perMessage ? jsonMessagesKeepingText(maxPayload) : ndjsonKeepingText(maxFrameLength ?? DEFAULT_MAX_JSON),
        perMessage ? maxPayload : (maxFrameLength ?? DEFAULT_MAX_JSON),
      );
    case 'messages':
      return build('bytes', withMessageLimit(messages(), maxPayload), maxPayload);
    default:
      return build('text', text());
  }
}

function parseWidth(width: string): 1 | 2 | 4 | 8 {
  if (width === '1' || width === '2' || width === '4' || width === '8') return Number(width) as 1 | 2 | 4 | 8;
  throw new InvalidArgumentError(`--width must be 1, 2, 4 or 8, got "${width}"`);
}

/** What `--delimiter` takes, for --help and its errors. */
export const DELIMITER_ESCAPES = '\\0 or \\x00, \\xHH up to \\x7f, \\n, \\r, \\t, \\\\';

/**
 * `--delimiter` as typed on a command line: `\0` or `\xHH`, `\n`, `\r`, `\t`
 * and `\\` become the characters; any other backslash is refused, never
 * taken literally.
 */
function parseDelimiter(value: string): string {
  const named: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\' };
  return value.replace(/\\(x[0-9a-fA-F]{2}|[\s\S]?)/g, (typed, what: string) => {
    const code = what.length === 3 ? Number.parseInt(what.slice(1), 16) : undefined;
    const character = code === undefined ? named[what] : code <= 0x7f ? String.fromCharCode(code) : undefined;
    if (character === undefined)
      throw new InvalidArgumentError(
        `--delimiter has an unknown escape "${typed}" in "${value}" (it takes ${DELIMITER_ESCAPES})`,
      );
    return character;
  });
}

/**
 * NDJSON as `json()` reads it (blank lines skipped, strict UTF-8), but each
 * value keeps the line it came in, so `-o hex` can show the bytes received;
 * a frame goes out as its text and a newline.
 */
function ndjsonKeepingText(maxFrameLength: number): Codec<JsonFrame, JsonFrame> {
  const framing = lines({ maxFrameLength, fatal: true });
  return {
    name: 'ndjson',
    wire: 'text',
    decoder() {
      const inner = framing.decoder();
      const texts: string[] = [];
      // The values of the lines the framing pushed, then its error if it threw; a bad line comes before that error.
      const run = (feed: () => void, frames: JsonFrame[]): void => {
        let failure: { error: unknown } | undefined;
        try {
          feed();
        } catch (error) {
          failure = { error };
        }
        try {
          for (const line of texts) {
            if (line.trim() === '') continue;
            try {
              frames.push({ text: line, value: JSON.parse(line) });
            } catch (error) {
              throw new DecodeError(`Invalid JSON: ${(error as Error).message}`, { cause: error });
            }
          }
        } finally {
          texts.length = 0;
        }
        if (failure !== undefined) throw failure.error;
      };
      return {
        decode: (chunk, frames) => run(() => inner.decode(chunk, texts), frames),
        end: (frames) => run(() => inner.end(texts), frames),
      };
    },
    encoder() {
      const inner = framing.encoder();
      return { encode: (frame) => inner.encode(frame.text) };
    },
  };
}

/**
 * `json({ framing: messages() })`: one JSON value per WebSocket message, sent
 * as text messages; but each value keeps the text it came in, for `-o hex`.
 * A message of whitespace only carries no value (as `json()` skips it); one
 * that is not UTF-8 or not JSON is `ERR_DECODE`; a frame goes out as its
 * text, unless longer than `maxLength` bytes (`ERR_FRAME_TOO_LONG`).
 */
function jsonMessagesKeepingText(maxLength: number): Codec<JsonFrame, JsonFrame> {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const parse = (message: Uint8Array, frames: JsonFrame[]): void => {
    let text: string;
    try {
      text = utf8.decode(message);
    } catch (error) {
      throw new DecodeError(`Invalid UTF-8 in a ${message.byteLength}-byte JSON message`, { cause: error });
    }
    if (text.trim() === '') return;
    try {
      frames.push({ text, value: JSON.parse(text) });
    } catch (error) {
      throw new DecodeError(`Invalid JSON: ${(error as Error).message}`, { cause: error });
    }
  };
  return withMessageLimit(
    {
      name: 'json(messages)',
      wire: 'text',
      // The connection hands each message over as one chunk (as messages() reads it): at most one value each.
      decoder: () => ({ decode: parse, end() {} }),
      // `wire: 'text'`: the bytes go as a text message, as json() sends them.
      encoder: () => ({ encode: (frame) => toUtf8.encode(frame.text) }),
    },
    maxLength,
  );
}

/** `codec`, with its encoder refusing (`ERR_FRAME_TOO_LONG`) a message over `maxLength` bytes, the peer's likely limit too. */
function withMessageLimit<D, E>(codec: Codec<D, E>, maxLength: number): Codec<D, E> {
  return {
    ...codec,
    encoder() {
      const inner = codec.encoder();
      return {
        encode(frame) {
          const bytes = inner.encode(frame);
          if (bytes.byteLength > maxLength) throw new FrameTooLongError(bytes.byteLength, maxLength, 'Message');
          return bytes;
        },
      };
    },
  };
}
