import { checkOption, type Source } from '@sluice/core';
import type { Codec } from './codec.js';
import { FlatMapIterator } from './internal/flat-map-iterator.js';

/**
 * A transform from frames to byte chunks, the reverse of {@link decode}:
 * `encode(codec)(frames)` passes each frame through a fresh encoder of
 * `codec` and yields one `Uint8Array` per frame.
 *
 * An encoding error (say `ERR_FRAME_TOO_LONG` for an oversized frame) ends
 * the iteration with that error and closes the source; so does leaving
 * early. An error thrown by the source is passed through as is.
 *
 * @typeParam T The frame type `codec` encodes.
 * @param codec The wire format.
 * @returns A function from a (sync or async) iterable of frames to an async
 *   iterable of byte chunks, iterable once.
 *
 * @example
 * ```ts
 * import { encode, json } from '@sluice/codec';
 *
 * for await (const bytes of encode(json())([{ id: 1 }, { id: 2 }])) {
 *   await socket.write(bytes); // '{"id":1}\n', then '{"id":2}\n'
 * }
 * ```
 */
export function encode<T>(
  codec: Codec<unknown, T>,
): (source: Source<T>) => AsyncIterableIterator<Uint8Array, undefined> {
  checkOption('encode(): codec', codec, 'codec', { required: true });
  return (source) => {
    checkOption('encode(): source', source, 'iterable', { required: true });
    const encoder = codec.encoder();
    return new FlatMapIterator<T, Uint8Array>(
      source,
      (frame, out) => {
        out.push(encoder.encode(frame));
      },
      () => undefined,
    );
  };
}
