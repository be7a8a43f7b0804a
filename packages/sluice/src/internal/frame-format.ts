import { InvalidArgumentError } from '@sluice/core';

/** How frames are shown on stdout. */
export type OutputFormat = 'text' | 'hex' | 'json';

const utf8 = new TextDecoder();
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function parseFormat(value: string | undefined): OutputFormat {
  const format = value ?? 'text';
  if (format === 'text' || format === 'hex' || format === 'json') return format;
  throw new InvalidArgumentError(`--output must be text, hex or json, got "${format}"`);
}

/** Renders one received frame as one line of output. */
export function formatFrame(frame: unknown, format: OutputFormat): string {
  if (frame instanceof Uint8Array) {
    if (format === 'hex') return hex(frame);
    if (format === 'json')
      return JSON.stringify({ bytes: frame.byteLength, base64: Buffer.from(frame).toString('base64') });
    return utf8.decode(frame);
  }
  if (typeof frame === 'string') {
    if (format === 'hex') return hex(new TextEncoder().encode(frame));
    if (format === 'json') return JSON.stringify(frame);
    return frame;
  }
  return format === 'hex' ? hex(new TextEncoder().encode(JSON.stringify(frame))) : JSON.stringify(frame);
}

/** Turns one line typed on stdin into the frame the codec expects. */
export function frameFromLine(line: string, codec: string): unknown {
  if (codec === 'json') return JSON.parse(line) as unknown;
  if (codec === 'lp' || codec === 'varint') return new TextEncoder().encode(line);
  if (codec === 'text') return `${line}\n`;
  return line;
}
