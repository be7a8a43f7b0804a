import { checkOption, type Source } from '@sluice/core';
import { checkDecoded } from './check-decoded.js';
import type { Codec } from './codec.js';
import { FlatMapIterator } from './internal/flat-map-iterator.js';

/**
 * A transform from byte chunks to decoded frames, for `pipe()` or direct use:
 * `decode(codec)(source)` feeds each chunk to a fresh decoder of `codec` and
 * yields the frames in order; when the source ends it calls `end()` and yields
 * any final frame (or throws, say, `ERR_TRUNCATED_FRAME`).
 *
 * A decoding error ends the iteration with that error and closes the source
 * (its `return()`); frames the decoder pushed before it threw are yielded
 * first. Leaving early with `break` or `return()` closes the source too. A
 * decoder written to the returning contract of before 0.1.0 is refused with
 * `ERR_CODEC_CONTRACT` (see {@link checkDecoded}). An error
 * thrown by the source is passed through as is. Frames are handed out as the
 * codec produced them: with `lengthPrefixed()`, views of the chunks.
 *
 * @typeParam T The frame type of `codec`.
 * @param codec The wire format.
 * @returns A function from a (sync or async) iterable of chunks to an async
 *   iterable of frames, iterable once.
 *
 * @example
 * ```ts
 * import { decode, lines } from '@sluice/codec';
 *
 * const chunks = [new TextEncoder().encode('a\nb'), new TextEncoder().encode('\nc')];
 * for await (const line of decode(lines())(chunks)) console.log(line); // a, b, c
 * ```
 *
 * @see decodeByChunk for one array per chunk, cheaper on hot paths.
 */
export function decode<T>(
  codec: Codec<T, unknown>,
): (source: Source<Uint8Array>) => AsyncIterableIterator<T, undefined> {
  checkOption('decode(): codec', codec, 'codec', { required: true });
  return (source) => {
    checkOption('decode(): source', source, 'iterable', { required: true });
    const decoder = codec.decoder();
    const name = codec.name ?? 'custom codec';
    return new FlatMapIterator<Uint8Array, T>(
      source,
      (chunk, out) => checkDecoded(name, decoder.decode(chunk, out), out),
      (out) => checkDecoded(name, decoder.end(out), out),
    );
  };
}
