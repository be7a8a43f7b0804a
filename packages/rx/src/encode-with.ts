import type { Codec } from '@sluice/codec';
import { checkOption } from '@sluice/core';
import { Observable, type OperatorFunction } from 'rxjs';

/**
 * Encodes frames into the bytes that carry them, one `Uint8Array` per frame,
 * with a codec: the same codec values `conn.framed()` takes.
 *
 * Every subscription gets its own encoder (codecs may keep per-stream state).
 * A frame the encoder refuses (too long for the codec's limit, not
 * serialisable, …) becomes the error notification, and the source is
 * unsubscribed; nothing of that frame is emitted.
 *
 * @example Send an Observable of messages over a connection
 * ```ts
 * import { json } from '@sluice/codec';
 * import { encodeWith } from '@sluice/rx';
 * import { concatMap, from } from 'rxjs';
 *
 * from([{ op: 'hello' }, { op: 'bye' }])
 *   .pipe(encodeWith(json()), concatMap((bytes) => conn.write(bytes)))
 *   .subscribe({ complete: () => void conn.closeWrite() });
 * ```
 *
 * @param codec The wire format; only its `encoder()` is used.
 * @returns An operator from frames to byte chunks.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `codec` is not a codec
 * (an object with `decoder()` and `encoder()`; `lines`, not `lines()`, is not).
 * @see {@link decodeWith} for the other direction.
 */
export function encodeWith<T>(codec: Codec<unknown, T>): OperatorFunction<T, Uint8Array> {
  checkOption('encodeWith(): codec', codec, 'codec', { required: true });
  return (source) =>
    new Observable<Uint8Array>((subscriber) => {
      const encoder = codec.encoder();
      return source.subscribe({
        next(frame) {
          if (subscriber.closed) return;
          let bytes: Uint8Array;
          try {
            bytes = encoder.encode(frame);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          subscriber.next(bytes);
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          subscriber.complete();
        },
      });
    });
}
