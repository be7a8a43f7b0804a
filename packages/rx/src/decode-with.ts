import { type Codec, checkDecoded } from '@sluice/codec';
import { checkOption } from '@sluice/core';
import { Observable, type OperatorFunction } from 'rxjs';

/**
 * Decodes a stream of byte chunks into frames with a codec: the same codec
 * values `conn.framed()` takes, built-in or hand-written.
 *
 * Every subscription gets its own decoder, so one decoded Observable can be
 * subscribed to many times. Frames are emitted as soon as a chunk completes
 * them, whatever the chunk boundaries. When the source completes, the
 * decoder's `end()` is called and its final frames are emitted before
 * completion; input that stops inside a frame (`ERR_TRUNCATED_FRAME`) becomes
 * the error notification instead. So does any error the decoder throws
 * (`ERR_FRAME_TOO_LONG`, `ERR_DECODE`, …), after the frames it pushed before
 * throwing; the source is then unsubscribed and the decoder is not used
 * again. A decoder written to the returning contract of before 0.1.0 is
 * refused with `ERR_CODEC_CONTRACT` (see `checkDecoded`), none of its output emitted.
 *
 * @example Newline-delimited JSON from a byte Observable
 * ```ts
 * import { json } from '@sluice/codec';
 * import { decodeWith, observe } from '@sluice/rx';
 *
 * observe(conn)                 // Observable<Uint8Array>
 *   .pipe(decodeWith(json()))   // Observable<unknown>, one value per frame
 *   .subscribe((message) => console.log(message));
 * ```
 *
 * @param codec The wire format; only its `decoder()` is used.
 * @returns An operator from byte chunks to decoded frames.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `codec` is not a codec
 * (an object with `decoder()` and `encoder()`; `lines`, not `lines()`, is not).
 * @see {@link encodeWith} for the other direction.
 */
export function decodeWith<T>(codec: Codec<T, unknown>): OperatorFunction<Uint8Array, T> {
  checkOption('decodeWith(): codec', codec, 'codec', { required: true });
  return (source) =>
    new Observable<T>((subscriber) => {
      const decoder = codec.decoder();
      const name = codec.name ?? 'custom codec';
      // One call of the decoder: the frames it pushed are emitted, then its error if it threw.
      const run = (call: (frames: T[]) => unknown): boolean => {
        const frames: T[] = [];
        let failed = false;
        let error: unknown;
        try {
          checkDecoded(name, call(frames), frames);
        } catch (thrown) {
          failed = true;
          error = thrown;
        }
        for (let i = 0; i < frames.length && !subscriber.closed; i++) subscriber.next(frames[i] as T);
        if (failed) subscriber.error(error);
        return !failed;
      };
      return source.subscribe({
        next(chunk) {
          if (!subscriber.closed) run((frames) => decoder.decode(chunk, frames));
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          if (!subscriber.closed && run((frames) => decoder.end(frames))) subscriber.complete();
        },
      });
    });
}
