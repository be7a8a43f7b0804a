import type { Connection } from '@sluice/connection';

/**
 * What a socket subject's `closeObserver` is told when one of its connections
 * has fully closed.
 *
 * @example
 * ```ts
 * socket$({ port, codec, closeObserver: { next: (e) => e.wasClean || console.warn('lost:', e.error) } });
 * ```
 */
export interface SocketCloseEvent {
  /** The connection that closed. */
  readonly connection: Connection;
  /**
   * False if it ended with an error (a reset, a decode error, an overflow,
   * `error()`, or a close after the last unsubscribe that `closeTimeout` cut
   * off with frames unsent: `ERR_CLOSE_TIMEOUT`).
   */
  readonly wasClean: boolean;
  /** The error it ended with, when not clean. */
  readonly error?: unknown | undefined;
}
