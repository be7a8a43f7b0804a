import { checkOption, type Source } from '@sluice/core';
import { checkFrames } from './check-frames.js';
import type { Codec } from './codec.js';
import { FlatMapIterator, NONE } from './internal/flat-map-iterator.js';
import { NO_INPUT } from './internal/no-input.js';

/**
 * Like {@link decode}, but yields the frames of each chunk together as one
 * array, skipping chunks that complete no frame. With many small frames per
 * chunk this costs one iteration step per chunk instead of one per frame.
 * The final array, if any, holds the frames `end()` returned.
 *
 * Errors and early exit behave as with `decode`: the source is closed.
 *
 * @typeParam T The frame type of `codec`.
 * @param codec The wire format.
 * @returns A function from a (sync or async) iterable of chunks to an async
 *   iterable of non-empty frame arrays, iterable once.
 *
 * @example
 * ```ts
 * import { decodeByChunk, lengthPrefixed } from '@sluice/codec';
 *
 * for await (const frames of decodeByChunk(lengthPrefixed())(socket)) {
 *   for (const frame of frames) handle(frame);
 * }
 * ```
 */
export function decodeByChunk<T>(
  codec: Codec<T, unknown>,
): (source: Source<Uint8Array>) => AsyncIterableIterator<T[], undefined> {
  checkOption('decodeByChunk(): codec', codec, 'codec', { required: true });
  return (source) => {
    checkOption('decodeByChunk(): source', source, 'iterable', { required: true });
    const decoder = codec.decoder();
    const name = codec.name ?? 'custom codec';
    const batch = (frames: T[]): T[][] => (frames.length > 0 ? [frames] : NONE);
    return new FlatMapIterator<Uint8Array, T[]>(
      source,
      (chunk) => batch(checkFrames(name, decoder.decode(chunk))),
      () => batch(checkFrames(name, decoder.end())),
      NO_INPUT,
    );
  };
}
