/**
 * Options shared by every connection, accepted or dialled.
 *
 * @example
 * ```ts
 * const conn = await connect({ host, port, idleTimeout: 30_000, readCapacity: 256 * 1024, writeCapacity: 1 << 20 });
 * ```
 */
export interface ConnectionOptions {
  /**
   * Close the connection with `ERR_IDLE_TIMEOUT` after this many milliseconds
   * with nothing read or written, up to 2^31 - 1. `0`, `Infinity` or absent: no idle timeout.
   */
  idleTimeout?: number | undefined;
  /**
   * Bytes received but not yet read that pause reading from the socket.
   * @default 65536
   */
  readCapacity?: number | undefined;
  /**
   * Bytes that writes may hand over while an earlier write still waits for
   * the peer to read. One writer that awaits each `write()` never comes
   * near it; writes nobody awaits (or many writers at once) would otherwise
   * grow memory for as long as the peer does not read. One byte more fails
   * the connection with an `OverflowError` (`ERR_OVERFLOW`): the write that
   * overflowed rejects with it, and so do waiting reads and writes.
   * `Infinity`: no bound.
   * @default 4194304
   */
  writeCapacity?: number | undefined;
  /**
   * The default `frameTimeout` of this connection's framed readers: once a
   * frame has begun, it must be complete within this time (see `ReadOptions`).
   * Up to 2^31 - 1. `0`, `Infinity` or absent: none.
   */
  frameTimeout?: number | undefined;
  /**
   * How long `close()` waits for the peer to finish before destroying the socket, in
   * milliseconds up to 2^31 - 1; `0` destroys it at once, `Infinity` waits as long as the peer takes.
   * @default 2000
   */
  closeTimeout?: number | undefined;
}
