import { checkOption, type Source } from '@sluice/core';
import { checkDecoded } from './check-decoded.js';
import type { Codec } from './codec.js';
import { FlatMapIterator } from './internal/flat-map-iterator.js';

/**
 * Like {@link decode}, but yields the frames of each chunk together as one
 * array, skipping chunks that complete no frame. With many small frames per
 * chunk this costs one iteration step per chunk instead of one per frame.
 * The final array, if any, holds the frames `end()` pushed.
 *
 * Errors and early exit behave as with `decode`: the source is closed, and
 * the frames a chunk gave before its error come first, as one array.
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
    // One array per chunk, handed out even when the decoder threw after pushing onto it.
    const step = (chunk: Uint8Array | null, out: T[][]): void => {
      const frames: T[] = [];
      try {
        checkDecoded(name, chunk === null ? decoder.end(frames) : decoder.decode(chunk, frames), frames);
      } finally {
        if (frames.length > 0) out.push(frames);
      }
    };
    return new FlatMapIterator<Uint8Array, T[]>(source, step, (out) => step(null, out));
  };
}
