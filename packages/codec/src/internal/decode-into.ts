/**
 * How `decode()` and `decodeByChunk()` drive a decoder: one call, its return
 * checked with `checkDecoded` (which empties `out` when it refuses one, so
 * none of its output is used).
 *
 * @internal
 */
import { checkDecoded } from '../check-decoded.js';
import type { Decoder } from '../codec.js';

/** `decoder.decode(chunk, out)`, checked. */
export function decodeInto<T>(name: string, decoder: Decoder<T>, chunk: Uint8Array, out: T[]): void {
  checkDecoded(name, decoder.decode(chunk, out), out);
}

/** `decoder.end(out)`, checked. */
export function endInto<T>(name: string, decoder: Decoder<T>, out: T[]): void {
  checkDecoded(name, decoder.end(out), out);
}
