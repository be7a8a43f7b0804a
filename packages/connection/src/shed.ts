import type { Connection } from './connection.js';
import { channels, publish } from './diagnostics.js';

/**
 * Destroys `connection` with `error` for being too slow or silent (an idle or
 * frame timeout, a missed heartbeat), publishing it on the
 * `sluice:connection:shed` diagnostics channel first. For transports and
 * listeners that shed peers; an application calls `conn.destroy()`.
 *
 * @example
 * ```ts
 * if (!answeredPing) shed(conn, new WebSocketCloseError(1006, 'no answer to the heartbeat ping'));
 * ```
 */
export function shed(connection: Connection, error: Error & { readonly code: string }): void {
  if (connection.destroyed) return;
  publish(channels.shed, { connection, error });
  connection.destroy(error);
}
