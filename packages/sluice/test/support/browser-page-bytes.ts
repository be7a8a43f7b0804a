/**
 * Bytes in the page in Chromium (served beside support/browser-page.ts):
 * cut into chunks as a cutting says, joined, shown as hex. No Node and no
 * fast-check, which test-support/chunking.ts imports: it runs as it would on
 * a website.
 */
import type { Cuts } from '../../../../test-support/chunking.js';

/** As test-support/chunking.ts's `rechunk` (which imports fast-check, not served here): copies, so no shared memory. */
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

/** The chunks joined into one array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The bytes as lowercase hex, two digits each. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
