/**
 * The shared chunking helper: feeds any decoder the same input cut in many
 * ways (whole, one byte at a time, at arbitrary places, with empty chunks),
 * so every codec is tested against chunk boundaries it cannot predict; and
 * the bytes it cuts: the UTF-8 of a text, frames encoded, parts joined.
 *
 * Shared by the tests of every package (it lives beside them, not inside one
 * of them) and depends on fast-check only. Decoders are typed structurally.
 */
import fc from 'fast-check';
import { type Cuts, concatBytes, rechunk } from './cut-bytes.js';

export { type Cuts, concatBytes, rechunk } from './cut-bytes.js';

/** The smallest shape of a decoder this helper needs: the pushing contract. */
export interface PushesFrames<T> {
  decode(chunk: Uint8Array, frames: T[]): void;
  end(frames: T[]): void;
}

/** The smallest shape of a codec this helper needs. */
export interface DecodesBytes<T> {
  decoder(): PushesFrames<T>;
}

/** Fails a test whose decoder returned something (its frames, as before the pushing contract) instead of nothing. */
function pushedOnly(returned: unknown): void {
  if (returned !== undefined) throw new Error(`the decoder returned ${String(returned)}; it must push onto frames`);
}

/** The frames `decoder.decode(chunk, frames)` pushes, as an array: for tests that feed a decoder directly. */
export function decodeChunk<T>(decoder: PushesFrames<T>, chunk: Uint8Array): T[] {
  const frames: T[] = [];
  pushedOnly(decoder.decode(chunk, frames));
  return frames;
}

/** The frames `decoder.end(frames)` pushes, as an array. */
export function endFrames<T>(decoder: PushesFrames<T>): T[] {
  const frames: T[] = [];
  pushedOnly(decoder.end(frames));
  return frames;
}

/** A few fixed cuttings every input is worth trying. */
export const STANDARD_CUTS: readonly Cuts[] = ['whole', 'bytewise', [1], [2, 2, 5], [3, 7, 11, 13, 17, 19]];

const utf8 = new TextEncoder();

/** The UTF-8 bytes of `text`. */
export const bytes = (text: string): Uint8Array => utf8.encode(text);

/** The wire bytes of `frames`, encoded in order by one encoder of `codec`. */
export function encodeAll<T>(codec: { encoder(): { encode(frame: T): Uint8Array } }, frames: readonly T[]): Uint8Array {
  const encoder = codec.encoder();
  return concatBytes(frames.map((frame) => encoder.encode(frame)));
}

/** Arbitrary cuttings: whole, bytewise, or up to `maxCuts` arbitrary offsets. */
export function arbitraryCuts(maxCuts = 24): fc.Arbitrary<Cuts> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Cuts>('whole') },
    { weight: 1, arbitrary: fc.constant<Cuts>('bytewise') },
    { weight: 4, arbitrary: fc.array(fc.nat(), { maxLength: maxCuts }) },
  );
}

/** Decodes `chunks` with a fresh decoder of `codec`, including `end()`. */
export function decodeAll<T>(codec: DecodesBytes<T>, chunks: Iterable<Uint8Array>): T[] {
  const decoder = codec.decoder();
  const frames: T[] = [];
  for (const chunk of chunks) pushedOnly(decoder.decode(chunk, frames));
  pushedOnly(decoder.end(frames));
  return frames;
}

/** The outcome of decoding: the frames, or the error thrown (with the frames pushed before it). */
export type Outcome<T> = { frames: T[]; error?: undefined } | { frames: T[]; error: unknown };

/** Like {@link decodeAll}, but captures a thrown error instead of propagating it. */
export function tryDecodeAll<T>(codec: DecodesBytes<T>, chunks: Iterable<Uint8Array>): Outcome<T> {
  const decoder = codec.decoder();
  const frames: T[] = [];
  try {
    for (const chunk of chunks) pushedOnly(decoder.decode(chunk, frames));
    pushedOnly(decoder.end(frames));
    return { frames };
  } catch (error) {
    return { frames, error };
  }
}

/** Decodes `bytes` under each of `cuts`; returns one frame list per cutting. */
export function decodeInSplits<T>(codec: DecodesBytes<T>, bytes: Uint8Array, cuts = STANDARD_CUTS): T[][] {
  return cuts.map((cut) => decodeAll(codec, rechunk(bytes, cut)));
}

/** fast-check parameters with `numRuns` raisable from the `FC_NUM_RUNS` environment variable. */
export function runs(numRuns: number): fc.Parameters<unknown> {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  const raised = Number(env?.['FC_NUM_RUNS']);
  return { numRuns: Number.isFinite(raised) && raised > numRuns ? raised : numRuns };
}
