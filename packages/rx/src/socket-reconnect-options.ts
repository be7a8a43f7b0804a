import type { ReconnectPolicy } from '@sluice/connection/transport';

/**
 * The `reconnect` option of {@link socket$} and {@link webSocket$}: the
 * backoff policy of `reconnecting()` from `@sluice/connection`, by the same
 * names and defaults (`initialDelay` 100 ms, `maxDelay` 30 s, `factor` 2,
 * `attempts` `Infinity`, `resetAfter` 5 s, `onRetry`). Unsubscribing is
 * the way to stop, so there is no `signal`.
 *
 * @example
 * ```ts
 * const reconnect: SocketReconnectOptions = { initialDelay: 250, maxDelay: 10_000, attempts: 20 };
 * const feed = socket$({ host: '127.0.0.1', port: 7000, codec: lines(), reconnect });
 * ```
 */
export type SocketReconnectOptions = ReconnectPolicy;
