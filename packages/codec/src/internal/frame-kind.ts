/**
 * Marks a codec with the type of frame its encoder takes, so `json()` can tell
 * whether to hand a framing codec strings (`lines()`, `text()`) or bytes
 * (`lengthPrefixed()`, most custom codecs). `Symbol.for` keeps the mark
 * readable across duplicate installs.
 */
import type { Codec } from '../codec.js';

/** The property holding a codec's frame kind. */
export const FRAME_KIND: unique symbol = Symbol.for('@sluice/codec.frameKind') as never;

/** What a framing codec's encoder accepts and its decoder yields. */
export type FrameKind = 'string' | 'bytes';

/** Returns `codec` marked as taking frames of `kind`. */
export function withFrameKind<C extends Codec<unknown, never>>(codec: C, kind: FrameKind): C {
  Object.defineProperty(codec, FRAME_KIND, { value: kind });
  return codec;
}

/** Reads the mark set by {@link withFrameKind}, if any. */
export function frameKindOf(codec: object): FrameKind | undefined {
  const kind: unknown = (codec as Record<symbol, unknown>)[FRAME_KIND];
  return kind === 'string' || kind === 'bytes' ? kind : undefined;
}
