/**
 * Checks at the edges of the built-in codecs: the chunks fed to their
 * decoders and the frames given to their encoders (options are checked with
 * core's `checkOption`). A wrong type is
 * refused with a coded error, never turned into wrong bytes (a string handed
 * to a byte encoder would otherwise go out as zeros).
 *
 * @internal
 */
import { InvalidArgumentError } from '@sluice/core';
import { EncodeError } from '../errors.js';

/** The kind of a value, for messages: `a string`, `null`, `a Uint8ArrayList`, … */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') {
    const name = value.constructor?.name;
    return name === undefined || name === 'Object' ? 'an object' : `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
  }
  return `a ${typeof value}`;
}

/** Throws `ERR_INVALID_ARG` unless `chunk` is a `Uint8Array` (a `Uint8ArrayList` is joined with `.subarray()`). */
export function checkChunk(codec: string, chunk: unknown): void {
  if (chunk instanceof Uint8Array) return;
  const hint = typeof (chunk as { subarray?: unknown })?.subarray === 'function' ? ' (join it with .subarray())' : '';
  throw new InvalidArgumentError(`${codec}: chunks must be Uint8Array, got ${kindOf(chunk)}${hint}`);
}

/** Throws `ERR_ENCODE` unless `frame` is a `Uint8Array`. */
export function checkBytesFrame(codec: string, frame: unknown): void {
  if (frame instanceof Uint8Array) return;
  const hint = typeof frame === 'string' ? ' (encode text with TextEncoder, or use lines() or text())' : '';
  throw new EncodeError(`${codec}: frames must be Uint8Array, got ${kindOf(frame)}${hint}`);
}

/** Throws `ERR_ENCODE` unless `frame` is a string. */
export function checkStringFrame(codec: string, frame: unknown): void {
  if (typeof frame === 'string') return;
  throw new EncodeError(`${codec}: frames must be strings, got ${kindOf(frame)}`);
}
