/**
 * Cutting bytes into chunks and joining them again, with no imports: shared
 * by test-support/chunking.ts (Node tests) and by the page the browser test
 * serves to Chromium (packages/sluice/test/support/browser-page-bytes.ts),
 * which cannot load fast-check.
 */

/** How to cut an input: all at once, byte by byte, or at these offsets (taken modulo length + 1; repeats make empty chunks). */
export type Cuts = 'whole' | 'bytewise' | readonly number[];

/** Cuts `bytes` into chunks as `cuts` says. Chunks are copies, so decoders cannot rely on shared memory. */
export function rechunk(bytes: Uint8Array, cuts: Cuts): Uint8Array[] {
  if (cuts === 'whole') return [bytes.slice()];
  if (cuts === 'bytewise') return Array.from(bytes, (byte) => Uint8Array.of(byte));
  const offsets = cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const offset of offsets) {
    chunks.push(bytes.slice(start, offset));
    start = offset;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

/** Joins byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
