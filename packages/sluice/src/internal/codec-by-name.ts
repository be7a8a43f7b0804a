import { type Codec, DecodeError, json, lengthPrefixed, lines, text } from '@sluice/codec';
import { InvalidArgumentError } from '@sluice/core';
import { onlyWith } from './options.js';

/** The codec names the CLI knows, with what each takes. */
export const CODEC_HELP = `Codecs (--codec):
  lines      newline-delimited text (CRLF accepted)        --delimiter, --max-frame-length
  lp         length-prefixed binary frames                 --width 1|2|4|8, --endian be|le, --max-frame-length
  varint     length-prefixed, unsigned LEB128 length       --max-frame-length
  json       NDJSON: one JSON value per line               --max-frame-length
  text       a raw UTF-8 text stream (no framing)`;

const CODECS = ['lines', 'lp', 'varint', 'json', 'text'];

export interface CodecSettings {
  codec: string;
  width?: string | undefined;
  endian?: string | undefined;
  delimiter?: string | undefined;
  'max-frame-length'?: string | undefined;
}

/** What frames a codec yields: text, bytes, or JSON values (with the text they arrived as). */
export type FrameKind = 'text' | 'bytes' | 'json';

/** A JSON value received, with its line: `-o hex` shows the bytes that arrived. */
export interface JsonFrame {
  text: string;
  value: unknown;
}

/** A codec chosen on the command line, and the kind of frames it yields. */
export interface CliCodec {
  name: string;
  kind: FrameKind;
  codec: Codec<unknown, unknown>;
}

/** Builds the codec a command line names; refuses flags that codec would ignore. */
export function codecByName(settings: CodecSettings): CliCodec {
  const name = settings.codec;
  if (!CODECS.includes(name))
    throw new InvalidArgumentError(`unknown codec "${name}" (choose ${CODECS.join(', ')}; see --help)`);
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
  const build = <D, E>(kind: FrameKind, codec: Codec<D, E>): CliCodec => ({
    name,
    kind,
    codec: codec as unknown as Codec<unknown, unknown>,
  });
  switch (name) {
    case 'lines': {
      const delimiter = settings.delimiter === undefined ? {} : { delimiter: unescapeTyped(settings.delimiter) };
      return build('text', lines({ ...limit, ...delimiter }));
    }
    case 'lp':
    case 'varint': {
      const width = name === 'varint' ? 'varint' : parseWidth(settings.width ?? '4');
      const endian = settings.endian ?? 'be';
      if (endian !== 'be' && endian !== 'le')
        throw new InvalidArgumentError(`--endian must be "be" or "le", got "${endian}"`);
      return build(
        'bytes',
        lengthPrefixed({ width, endian, ...(maxFrameLength ? { maxFrameLength: maxFrameLength } : {}) }),
      );
    }
    case 'json':
      return build('json', ndjsonKeepingText(maxFrameLength ?? 1024 * 1024));
    default:
      return build('text', text());
  }
}

function parseWidth(width: string): 1 | 2 | 4 | 8 {
  if (width === '1' || width === '2' || width === '4' || width === '8') return Number(width) as 1 | 2 | 4 | 8;
  throw new InvalidArgumentError(`--width must be 1, 2, 4 or 8, got "${width}"`);
}

/** Turns `\n`, `\r`, `\t`, `\0` typed on a command line into the characters. */
function unescapeTyped(value: string): string {
  return value.replace(
    /\\([nrt0\\])/g,
    (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\' })[c] ?? c,
  );
}

/**
 * NDJSON as `json()` reads it (blank lines skipped, strict UTF-8), but each
 * value keeps the line it came in, so `-o hex` can show the bytes received.
 */
function ndjsonKeepingText(maxFrameLength: number): Codec<JsonFrame, unknown> {
  const framing = lines({ maxFrameLength, fatal: true });
  return {
    name: 'ndjson',
    decoder() {
      const inner = framing.decoder();
      let failed: unknown;
      // Values before a bad line are returned; the error is thrown by the next call.
      const parse = (texts: string[]): JsonFrame[] => {
        if (failed !== undefined) throw failed;
        const frames: JsonFrame[] = [];
        for (const line of texts) {
          if (line.trim() === '') continue;
          try {
            frames.push({ text: line, value: JSON.parse(line) });
          } catch (error) {
            const bad = new DecodeError(`Invalid JSON: ${(error as Error).message}`, { cause: error });
            if (frames.length === 0) throw bad;
            failed = bad;
            break;
          }
        }
        return frames;
      };
      return { decode: (chunk) => parse(inner.decode(chunk)), end: () => parse(inner.end()) };
    },
    encoder: () => json({ maxFrameLength }).encoder(),
  };
}
