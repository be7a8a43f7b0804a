import { InvalidArgumentError } from '@sluice/core';
/**
 * The resolved, validated `lines()` options shared by its decoder and encoder.
 */
import type { LinesOptions } from '../lines.js';
import { checkCodecOptions, kindOf } from './check.js';
import { Delimiter } from './delimiter.js';
import { canonicalEncoding } from './encoding-label.js';

export interface LinesConfig {
  readonly delimiter: Delimiter;
  readonly maxLength: number;
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
  checkCodecOptions('lines', options);
  const { delimiter = '\n', maxLength = 65536, encoding = 'utf-8', fatal = false } = options;
  const { allowUnterminated = true } = options;
  if (typeof delimiter !== 'string' && !(delimiter instanceof Uint8Array)) {
    throw new InvalidArgumentError(`lines: delimiter must be a string or a Uint8Array, got ${kindOf(delimiter)}`);
  }
  const bytes = typeof delimiter === 'string' ? encoder.encode(delimiter) : delimiter.slice();
  if (bytes.length === 0) throw new InvalidArgumentError('lines: delimiter must not be empty');
  if (!Number.isSafeInteger(maxLength) || maxLength < 0) {
    throw new InvalidArgumentError(`lines: maxLength must be a non-negative safe integer, got ${maxLength}`);
  }
  const canonical = canonicalEncoding(encoding);
  const newline = bytes.length === 1 && bytes[0] === 0x0a;
  return {
    delimiter: new Delimiter(bytes),
    maxLength,
    encoding: canonical,
    utf8: canonical === 'utf-8',
    fatal,
    stripCR: options.stripCR ?? newline,
    allowUnterminated,
  };
}
