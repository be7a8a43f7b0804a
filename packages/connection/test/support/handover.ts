/**
 * What the hand-over tests share: reading the first k frames in each way a
 * user can, and the oracle that says where each frame ends on the wire.
 */
import type { Codec } from '@sluice/codec';
import type { Framed } from '@sluice/connection';
import { takeNow } from '@sluice/core';

/** How the first reader reads its frames. */
export type Mode = 'read' | 'iterate' | 'takeNow' | 'byChunk';
export const MODES: readonly Mode[] = ['read', 'iterate', 'takeNow', 'byChunk'];

/**
 * Reads `k` frames from `io` as `mode` says (byChunk reads whole arrays, so
 * at least `k`), and stops without ending anything.
 */
export async function readFirst<T>(io: Framed<T>, k: number, mode: Mode): Promise<T[]> {
  const got: T[] = [];
  if (k === 0) return got;
  if (mode === 'read') {
    while (got.length < k) got.push((await io.read()) as T);
  } else if (mode === 'iterate') {
    for await (const frame of io) {
      got.push(frame);
      if (got.length === k) break; // io is keepOpen: the connection stays open
    }
  } else if (mode === 'takeNow') {
    const iterator = io[Symbol.asyncIterator]();
    while (got.length < k) {
      const result = iterator[takeNow]() ?? (await iterator.next());
      if (result.done === true) break;
      got.push(result.value);
    }
  } else {
    const iterator = io.byChunk()[Symbol.asyncIterator]();
    while (got.length < k) {
      const result = await iterator.next();
      if (result.done === true) break;
      got.push(...result.value);
    }
  }
  return got;
}

/**
 * The oracle: `wire` decoded one byte at a time by a fresh decoder, up to its
 * end or the first error. `ends[i]` is where frame `i` ends in `wire`.
 */
export function frameEnds<T>(codec: Codec<T, unknown>, wire: Uint8Array): { frames: T[]; ends: number[] } {
  const decoder = codec.decoder();
  const frames: T[] = [];
  const ends: number[] = [];
  try {
    for (let at = 0; at < wire.length; at++) {
      decoder.decode(wire.subarray(at, at + 1), frames);
      while (ends.length < frames.length) ends.push(at + 1);
    }
  } catch {
    // frames up to the error
  }
  return { frames, ends };
}

/** Frames as plain data: byte frames as arrays of numbers. */
export function plain(frames: unknown[]): unknown[] {
  return frames.map((frame) => (frame instanceof Uint8Array ? Array.from(frame) : frame));
}
