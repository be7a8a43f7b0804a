import type { Codec } from '@sluice/codec';

/** @internal What the last encode did: the bytes it produced, or the error it threw. */
export interface LastEncode {
  size: number;
  error: unknown;
}

/**
 * @internal Wraps `codec` so that every encode records its size (or its
 * error) in `last`: `Framed.write()` then stays the only writer (keeping the
 * connection's frame counters right) while the outbox learns how many bytes
 * each frame put into the socket.
 */
export function measuringCodec<TIn, TOut>(codec: Codec<TIn, TOut>, last: LastEncode): Codec<TIn, TOut> {
  const name = codec.name;
  return {
    ...(name === undefined ? {} : { name }),
    decoder: () => codec.decoder(),
    encoder: () => {
      const encoder = codec.encoder();
      return {
        encode(frame: TOut): Uint8Array {
          try {
            const bytes = encoder.encode(frame);
            last.size = bytes.byteLength;
            return bytes;
          } catch (error) {
            last.error = error;
            throw error;
          }
        },
      };
    },
  };
}
