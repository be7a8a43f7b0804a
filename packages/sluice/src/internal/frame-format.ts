import { DecodeError } from '@sluice/codec';
import { InvalidArgumentError } from '@sluice/core';
import type { FrameKind, JsonFrame } from './codec-by-name.js';

/** How frames are shown on stdout. */
export type OutputFormat = 'text' | 'hex' | 'json';

const utf8 = new TextDecoder();
const toUtf8 = new TextEncoder();
const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export function parseFormat(value: string | undefined): OutputFormat {
  const format = value ?? 'text';
  if (format === 'text' || format === 'hex' || format === 'json') return format;
  throw new InvalidArgumentError(`--output must be text, hex or json, got "${format}"`);
}

/**
 * Renders one received frame as one line of output. `hex` shows the bytes
 * received: a byte frame's bytes, a text frame's UTF-8, a JSON value's line.
 * `text` shows a JSON value as it came (a message's line breaks, which JSON
 * allows only between tokens, each with the spaces around it as one space); `json` encodes it again, compact.
 */
export function formatFrame(frame: unknown, kind: FrameKind, format: OutputFormat): string {
  if (kind === 'json') {
    const { text, value } = frame as JsonFrame;
    if (format === 'hex') return hex(toUtf8.encode(text));
    return format === 'json' ? JSON.stringify(value) : text.replace(/\s*[\r\n]\s*/g, ' ');
  }
  if (kind === 'bytes') {
    const bytes = frame as Uint8Array;
    if (format === 'hex') return hex(bytes);
    if (format === 'json')
      return JSON.stringify({ bytes: bytes.byteLength, base64: Buffer.from(bytes).toString('base64') });
    return utf8.decode(bytes);
  }
  const line = frame as string;
  if (format === 'hex') return hex(toUtf8.encode(line));
  return format === 'json' ? JSON.stringify(line) : line;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Turns one line of stdin (its bytes, without the newline) into the frame the
 * codec expects, or `undefined` for a line that sends nothing (a blank line
 * for JSON, an empty one for messages). Binary codecs send the bytes as they
 * are; text codecs throw `ERR_DECODE` for a line that is not UTF-8, as for
 * bad JSON; a JSON line goes as it was typed, once it parses. A `part` (the start of a long line, for the unframed text codec)
 * is sent without a newline: the rest of the line follows.
 */
export function frameFromLine(bytes: Uint8Array, codec: string, part = false): unknown {
  if (codec === 'lp' || codec === 'varint' || codec === 'udp') return bytes; // `udp`: one datagram per line
  if (codec === 'messages') return bytes.byteLength > 0 ? bytes : undefined; // an empty message carries no frame
  let line: string;
  try {
    line = strictUtf8.decode(bytes);
  } catch (error) {
    throw new DecodeError('not valid UTF-8', { cause: error });
  }
  if (codec === 'json') {
    if (line.trim() === '') return undefined; // a blank line is no JSON value: NDJSON readers skip them too
    try {
      return { text: line, value: JSON.parse(line) as unknown } satisfies JsonFrame;
    } catch (error) {
      throw new DecodeError(`not JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (codec === 'text') return part ? line : `${line}\n`;
  return line;
}
