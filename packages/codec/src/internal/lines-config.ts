import { checkOption, InvalidArgumentError } from '@sluice/core';
/**
 * The resolved, validated `lines()` options shared by its decoder and encoder.
 */
import type { LinesOptions } from '../lines.js';
import { Delimiter } from './delimiter.js';
import { canonicalEncoding } from './encoding-label.js';

export interface LinesConfig {
  readonly delimiter: Delimiter;
  readonly maxFrameLength: number;
  /** The canonical encoding name, as `TextDecoder` reports it. */
  readonly encoding: string;
  readonly utf8: boolean;
  readonly fatal: boolean;
  readonly stripCR: boolean;
  readonly allowUnterminated: boolean;
}

const encoder = new TextEncoder();

/** Checks `options` and fills in defaults; throws `InvalidArgumentError` (`ERR_INVALID_ARG`) on a bad option. */
export function resolveLines(options: LinesOptions): LinesConfig {
  checkOption('lines(): options', options, 'object');
  const { delimiter = '\n', maxFrameLength = 65536, encoding = 'utf-8', fatal = false } = options;
  const { allowUnterminated = true } = options;
  if (typeof delimiter !== 'string') checkOption('lines(): delimiter', delimiter, 'bytes');
  const bytes = typeof delimiter === 'string' ? encoder.encode(delimiter) : new Uint8Array(delimiter); // a copy, even of a Buffer
  if (bytes.length === 0) throw new InvalidArgumentError('lines(): delimiter must not be empty');
  checkOption('lines(): maxFrameLength', maxFrameLength, { integer: [0] });
  checkOption('lines(): encoding', encoding, 'string');
  checkOption('lines(): fatal', fatal, 'boolean');
  checkOption('lines(): stripCR', options.stripCR, 'boolean');
  checkOption('lines(): allowUnterminated', allowUnterminated, 'boolean');
  const canonical = canonicalEncoding(encoding, 'lines(): encoding');
  const newline = bytes.length === 1 && bytes[0] === 0x0a;
  return {
    delimiter: new Delimiter(bytes),
    maxFrameLength,
    encoding: canonical,
    utf8: canonical === 'utf-8',
    fatal,
    stripCR: options.stripCR ?? newline,
    allowUnterminated,
  };
}
