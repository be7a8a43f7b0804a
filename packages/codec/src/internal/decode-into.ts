/**
 * How `decode()` and `decodeByChunk()` drive a decoder: one call, its return
 * checked with `checkDecoded`. A decoder refused that way has what it pushed
 * dropped first, so none of its output is used.
 *
 * @internal
 */
import { checkDecoded } from '../check-decoded.js';
import type { Decoder } from '../codec.js';

/** `decoder.decode(chunk, out)`, checked. */
export function decodeInto<T>(name: string, decoder: Decoder<T>, chunk: Uint8Array, out: T[]): void {
  const returned: unknown = decoder.decode(chunk, out);
  if (returned !== undefined) refuse(name, returned, out);
}

/** `decoder.end(out)`, checked. */
export function endInto<T>(name: string, decoder: Decoder<T>, out: T[]): void {
  const returned: unknown = decoder.end(out);
  if (returned !== undefined) refuse(name, returned, out);
}

function refuse(name: string, returned: unknown, out: unknown[]): void {
  if (returned === out) return;
  out.length = 0;
  checkDecoded(name, returned, out);
}
