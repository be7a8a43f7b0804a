/**
 * Unsigned LEB128 varints (protobuf, multiformats), limited to safe integers.
 * A varint is at most 10 bytes; anything longer is malformed, anything larger
 * than `Number.MAX_SAFE_INTEGER` is refused as too long.
 */
import { DecodeError, FrameTooLongError } from '../errors.js';

/** The longest varint accepted, in bytes (enough for 64 bits). */
export const MAX_VARINT_BYTES = 10;

/** Where {@link readVarint} says how many bytes the varint it read used. */
export interface VarintRead {
  length: number;
}

/**
 * Reads a varint from `bytes[pos..end)`. Returns its value (and sets
 * `read.length`), or -1 if the bytes end before the varint does.
 * Throws as soon as the bytes seen prove it invalid, so a peer cannot make
 * the caller buffer an endless varint.
 *
 * @param limit Reported as the limit when the value exceeds a safe integer.
 */
export function readVarint(bytes: Uint8Array, pos: number, end: number, limit: number, read: VarintRead): number {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < end; i++) {
    const byte = bytes[i]!;
    // Exact while below 2^53; once above, the sum stays >= 2^53 and we stop.
    value += (byte & 0x7f) * scale;
    if (value > Number.MAX_SAFE_INTEGER) throw new FrameTooLongError(value, limit);
    if (byte < 0x80) {
      read.length = i - pos + 1;
      return value;
    }
    if (i - pos === MAX_VARINT_BYTES - 1) {
      throw new DecodeError(`Invalid varint: longer than ${MAX_VARINT_BYTES} bytes`);
    }
    scale *= 128;
  }
  return -1;
}

/** The number of bytes `value` (a non-negative safe integer) takes as a varint. */
export function varintLength(value: number): number {
  let length = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

/** Writes `value` as a varint at `out[pos]`; returns the position after it. */
export function writeVarint(value: number, out: Uint8Array, pos: number): number {
  while (value >= 128) {
    out[pos++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[pos++] = value;
  return pos;
}
