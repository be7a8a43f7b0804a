/**
 * What a listener has seen so far: a snapshot cheap enough for every scrape
 * of a `/metrics` endpoint (it sums the counters of the open connections).
 * Totals cover every connection the listener accepted, open or closed.
 *
 * @example Serve it as Prometheus gauges and counters
 * ```ts
 * const { open, accepted, errors } = listener.counters;
 * openGauge.set(open);
 * ```
 */
export interface ListenerCounters {
  /** Connections handed out (or waiting to be). */
  accepted: number;
  /** Connections turned away: past `maxConnections`, a full accept queue, a closing listener (or a wrong path or origin for WebSocket). */
  refused: number;
  /** TLS handshakes that failed or timed out. */
  handshakeFailures: number;
  /** Accepted connections not yet closed. */
  open: number;
  /** Accepted connections closed, gracefully or not. */
  closed: number;
  /** Closed connections that failed, by error `code` (`'ECONNRESET'`, `'ERR_IDLE_TIMEOUT'`, …; `'UNKNOWN'` without one). */
  errors: Record<string, number>;
  /** Bytes received on every accepted connection. */
  bytesIn: number;
  /** Bytes sent on every accepted connection. */
  bytesOut: number;
  /** Frames decoded on every accepted connection. */
  framesIn: number;
  /** Frames encoded on every accepted connection. */
  framesOut: number;
}
