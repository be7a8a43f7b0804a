import { checkOption } from '@sluice/core';
/**
 * The resolved, validated shape of a length-prefixed header, and reading and
 * writing its fixed-width forms.
 */
import { FrameTooLongError } from '../errors.js';
import type { LengthPrefixedOptions } from '../length-prefixed.js';

/** Validated `lengthPrefixed()` options. `width` 0 means varint. */
export interface LengthField {
  readonly width: 0 | 1 | 2 | 4 | 8;
  readonly littleEndian: boolean;
  readonly maxFrameLength: number;
  readonly includesHeader: boolean;
  readonly adjustment: number;
  readonly copy: boolean;
  /** The largest value the field can hold (and the decoder will accept). */
  readonly fieldMax: number;
}

const FIELD_MAX = { 0: Number.MAX_SAFE_INTEGER, 1: 0xff, 2: 0xffff, 4: 0xffff_ffff, 8: Number.MAX_SAFE_INTEGER };

/** Checks `options` and fills in defaults; throws `InvalidArgumentError` (`ERR_INVALID_ARG`) on a bad option. */
export function resolveLengthField(options: LengthPrefixedOptions): LengthField {
  checkOption('lengthPrefixed(): options', options, 'object');
  const { width = 4, endian = 'be', maxFrameLength = 16 * 1024 * 1024 } = options;
  const { lengthIncludesHeader = false, lengthAdjustment = 0, copy = false } = options;
  checkOption('lengthPrefixed(): width', width, { oneOf: [1, 2, 4, 8, 'varint'] });
  checkOption('lengthPrefixed(): endian', endian, { oneOf: ['be', 'le'] });
  checkOption('lengthPrefixed(): maxFrameLength', maxFrameLength, { integer: [0] });
  checkOption('lengthPrefixed(): lengthAdjustment', lengthAdjustment, { integer: [Number.MIN_SAFE_INTEGER] });
  checkOption('lengthPrefixed(): lengthIncludesHeader', lengthIncludesHeader, 'boolean');
  checkOption('lengthPrefixed(): copy', copy, 'boolean');
  const code = width === 'varint' ? 0 : width;
  return {
    width: code,
    littleEndian: endian === 'le',
    maxFrameLength,
    includesHeader: lengthIncludesHeader,
    adjustment: lengthAdjustment,
    copy,
    fieldMax: FIELD_MAX[code],
  };
}

/** Reads a `width`-byte unsigned field at `bytes[pos]`; throws if above a safe integer. */
export function readFixed(
  bytes: Uint8Array,
  pos: number,
  width: 1 | 2 | 4 | 8,
  little: boolean,
  limit: number,
): number {
  switch (width) {
    case 1:
      return bytes[pos]!;
    case 2:
      return little ? bytes[pos]! | (bytes[pos + 1]! << 8) : (bytes[pos]! << 8) | bytes[pos + 1]!;
    case 4:
      return little ? read32le(bytes, pos) : read32be(bytes, pos);
    case 8: {
      const high = little ? read32le(bytes, pos + 4) : read32be(bytes, pos);
      const low = little ? read32le(bytes, pos) : read32be(bytes, pos + 4);
      const value = high * 0x1_0000_0000 + low;
      if (high > 0x1f_ffff) throw new FrameTooLongError(value, limit);
      return value;
    }
  }
}

/** Writes `value` as a `width`-byte unsigned field at `out[0]`. */
export function writeFixed(value: number, out: Uint8Array, width: 1 | 2 | 4 | 8, little: boolean): void {
  let rest = value;
  for (let i = 0; i < width; i++) {
    out[little ? i : width - 1 - i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
}

function read32be(bytes: Uint8Array, pos: number): number {
  return bytes[pos]! * 0x100_0000 + ((bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!);
}

function read32le(bytes: Uint8Array, pos: number): number {
  return bytes[pos + 3]! * 0x100_0000 + ((bytes[pos + 2]! << 16) | (bytes[pos + 1]! << 8) | bytes[pos]!);
}
