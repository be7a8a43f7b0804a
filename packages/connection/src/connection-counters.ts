/**
 * Counters of what went through a connection.
 *
 * @example
 * ```ts
 * await conn.closed;
 * const { bytesIn, bytesOut, framesIn } = conn.counters;
 * ```
 */
export interface ConnectionCounters {
  /** Bytes received from the peer, whether read yet or still waiting in the read queue. */
  bytesIn: number;
  /** Bytes handed to the transport to send. */
  bytesOut: number;
  /**
   * Frames decoded (received) by `framed()` readers. The decoder counts every
   * frame a chunk completes, so this can run ahead of the frames your loop
   * has read: count in the loop to know how many you consumed.
   */
  framesIn: number;
  /** Frames written through `framed()` writers. */
  framesOut: number;
}
