import { type Codec, json, lengthPrefixed, lines, text } from '@sluice/codec';
import { InvalidArgumentError } from '@sluice/core';

/** The codec names the CLI knows, with what each takes. */
export const CODEC_HELP = `Codecs (--codec):
  lines      newline-delimited text (CRLF accepted)        --delimiter, --max-length
  lp         length-prefixed binary frames                 --width 1|2|4|8, --endian be|le, --max-length
  varint     length-prefixed, unsigned LEB128 length       --max-length
  json       NDJSON: one JSON value per line               --max-length
  text       a raw UTF-8 text stream (no framing)`;

export interface CodecSettings {
  codec: string;
  width?: string | undefined;
  endian?: string | undefined;
  delimiter?: string | undefined;
  maxLength?: string | undefined;
}

/** Builds the codec a command line names. */
export function codecByName(settings: CodecSettings): Codec<unknown> {
  const maxLength = settings.maxLength === undefined ? undefined : Number(settings.maxLength);
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength > 0)) {
    throw new InvalidArgumentError(`--max-length must be a positive integer, got "${settings.maxLength}"`);
  }
  const limit = maxLength === undefined ? {} : { maxLength };
  switch (settings.codec) {
    case 'lines':
      return lines({
        ...limit,
        ...(settings.delimiter === undefined ? {} : { delimiter: unescapeTyped(settings.delimiter) }),
      }) as Codec<unknown>;
    case 'lp':
    case 'varint': {
      const width = settings.codec === 'varint' ? 'varint' : parseWidth(settings.width ?? '4');
      const endian = settings.endian ?? 'be';
      if (endian !== 'be' && endian !== 'le')
        throw new InvalidArgumentError(`--endian must be "be" or "le", got "${endian}"`);
      return lengthPrefixed({
        width,
        endian,
        ...(maxLength === undefined ? {} : { maxFrameLength: maxLength }),
      }) as Codec<unknown>;
    }
    case 'json':
      return json(limit) as Codec<unknown>;
    case 'text':
      return text() as Codec<unknown>;
    default:
      throw new InvalidArgumentError(`Unknown codec "${settings.codec}"\n${CODEC_HELP}`);
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
