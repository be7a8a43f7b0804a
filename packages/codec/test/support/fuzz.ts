/**
 * What the fuzz tests of the decoders (`test/fuzz-*.test.ts`) share: the codes
 * a decoder may throw (and a way to print any other error), a length header
 * of any width holding any value, UTF-8 and sizes.
 */

/** UTF-8, for input written as text. */
export const utf8 = new TextEncoder();

/** The codes a decoder may throw on hostile input; anything else is a bug. */
export const CODED = ['ERR_FRAME_TOO_LONG', 'ERR_TRUNCATED_FRAME', 'ERR_DECODE'];

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** The error's code, or a description of an uncoded error that the assertion will print. */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && CODED.includes(code)) return code;
  return `uncoded ${String((error as Error)?.name)}: ${String((error as Error)?.message).slice(0, 200)}`;
}

/** A length field holding `value` (at most 10 bytes: varint, or `width` bytes then zeros). */
export function headerBytes(value: number, width: 1 | 2 | 4 | 8 | 'varint', endian: 'be' | 'le'): Uint8Array {
  const out = new Uint8Array(10);
  if (width === 'varint') {
    let rest = value;
    let i = 0;
    while (rest >= 128) {
      out[i++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    out[i] = rest;
    return out.subarray(0, i + 1);
  }
  let rest = value;
  for (let i = 0; i < width; i++) {
    out[endian === 'le' ? i : width - 1 - i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}
