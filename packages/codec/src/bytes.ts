/**
 * Small byte arrays for encoders, carved from a shared slab, as Node's
 * `Buffer.allocUnsafe` and `Buffer.from(string)` carve theirs from a pool.
 *
 * A `new Uint8Array(n)` of more than 64 bytes gets a backing store of its own
 * from `malloc`, tracked and later swept by the garbage collector: about 1 µs
 * each, which an encoder pays once per frame written. Cut from a slab, the
 * same bytes cost a view (tens of nanoseconds), and the collector has one
 * backing store to sweep per slab instead of one per frame.
 *
 * Each array is fresh: a slab's bytes are handed out once, in order, never
 * reused, so an encoder's output never shares bytes with another's. As with
 * Node's pool, an array keeps its whole slab (8 KiB) alive while it is
 * referenced; copy what you keep for long (`new Uint8Array(bytes)`).
 * Requests of half a slab or more get an array of their own.
 */

/** Bytes per slab. Node's `Buffer.poolSize` is 8 KiB too. */
const SLAB_SIZE = 8 * 1024;
/** Requests from this size up get their own array: a slab is cut only for small ones. */
const SLAB_LIMIT = SLAB_SIZE >>> 1;
/** The most bytes UTF-8 needs per UTF-16 code unit. */
const UTF8_PER_UNIT = 3;

let slab = new Uint8Array(SLAB_SIZE);
let used = 0;

const utf8 = new TextEncoder();

/** Makes sure `size` bytes are free in the slab; `size` is below `SLAB_LIMIT`. */
function reserve(size: number): void {
  if (used + size > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
}

/**
 * `size` zeroed bytes for an encoder's output: cut from a shared slab when
 * small, so that encoding a frame costs no allocation of its own.
 *
 * @param size A byte count (a non-negative integer, unchecked: a hot path).
 * @returns A `Uint8Array` of exactly `size` bytes that nothing else uses.
 *
 * @example A custom encoder: a 2-byte length, then the payload
 * ```ts
 * import { allocateBytes } from '@sluice/codec';
 *
 * function encode(frame: Uint8Array): Uint8Array {
 *   const out = allocateBytes(2 + frame.length);
 *   new DataView(out.buffer, out.byteOffset).setUint16(0, frame.length);
 *   out.set(frame, 2);
 *   return out;
 * }
 * ```
 */
export function allocateBytes(size: number): Uint8Array {
  if (size >= SLAB_LIMIT) return new Uint8Array(size);
  reserve(size);
  const bytes = new Uint8Array(slab.buffer, used, size);
  used += size;
  return bytes;
}

/**
 * The UTF-8 bytes of `text` (lone surrogates become U+FFFD, as with
 * `TextEncoder`), then `suffix` if given (a delimiter, say), in one array cut
 * from the shared slab when short: the same bytes as
 * `new TextEncoder().encode(text)`, several times faster for the short
 * strings most frames are.
 *
 * @example A line and its delimiter
 * ```ts
 * import { encodeUtf8 } from '@sluice/codec';
 *
 * encodeUtf8('héllo'); // Uint8Array(6) [104, 195, 169, 108, 108, 111]
 * encodeUtf8('héllo', Uint8Array.of(13, 10)); // the same, then CR LF
 * ```
 */
export function encodeUtf8(text: string, suffix?: Uint8Array): Uint8Array {
  const extra = suffix === undefined ? 0 : suffix.length;
  const most = text.length * UTF8_PER_UNIT + extra;
  let bytes: Uint8Array;
  if (most >= SLAB_LIMIT) {
    const encoded = utf8.encode(text);
    if (extra === 0) return encoded;
    bytes = new Uint8Array(encoded.length + extra);
    bytes.set(encoded);
  } else {
    reserve(most);
    const { written } = utf8.encodeInto(text, slab.subarray(used, used + most - extra));
    bytes = new Uint8Array(slab.buffer, used, written + extra);
    used += written + extra;
  }
  if (extra > 8) bytes.set(suffix!, bytes.length - extra);
  else for (let i = 0, at = bytes.length - extra; i < extra; i++) bytes[at + i] = suffix![i]!; // a delimiter: cheaper than set()
  return bytes;
}
