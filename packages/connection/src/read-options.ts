import type { AbortOptions } from '@sluice/core';

/**
 * Options of a reader of a connection, raw (`conn.reader(options)`) or framed
 * (`conn.framed(codec, options)`).
 *
 * @example Read a greeting, then hand the connection to another reader
 * ```ts
 * for await (const line of conn.framed(lines(), { keepOpen: true })) {
 *   if (line === 'READY') break; // the connection stays open
 * }
 * for await (const frame of conn.framed(lengthPrefixed())) handle(frame);
 * ```
 */
export interface ReadOptions extends AbortOptions {
  /**
   * Leave the connection open when a loop over this reader ends early
   * (`break`, `return`, a throw), so that another reader can take over; the
   * bytes this one received but did not hand out are read first by the next.
   * @default false
   */
  keepOpen?: boolean | undefined;
  /**
   * Framed readers only: once a frame has begun to arrive, it must be
   * complete within this many milliseconds, or the read rejects with
   * `ERR_FRAME_TIMEOUT` and the connection is destroyed. Pauses between
   * frames do not count (that is `idleTimeout`): this sheds a peer that
   * dribbles a frame byte by byte, which `idleTimeout` cannot see. Only the
   * time a read spends waiting on the peer counts: a handler slow with earlier
   * frames, while the rest of this one is already received, is not the peer's
   * delay. A frame has begun when the decoder holds bytes (`remaining()`), or,
   * for a decoder without `remaining()`, when a chunk completed no frame.
   * Up to 2^31 - 1; `0` or `Infinity`: none.
   * @default the connection's `frameTimeout`, else 0
   */
  frameTimeout?: number | undefined;
}
