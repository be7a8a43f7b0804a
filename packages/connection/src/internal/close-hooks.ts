import type { Connection } from '../connection.js';
import { channels, publish } from '../diagnostics.js';
import type { Transport } from '../transport.js';

/**
 * What must happen the moment a connection closes, before its close message
 * is published: a listener's counters, so that a `sluice:connection:close`
 * subscriber reading `listener.counters` sees the connection closed already.
 * Run once, from `Connection`'s close, or (for a connection closed before the
 * hook was set) when `closed` resolves.
 *
 * @internal
 */
const hooks = new WeakMap<object, () => void>();

/** Calls `hook` once `connection` has closed, before its close is published if still to come. */
export function setCloseHook(connection: { readonly closed: Promise<void> }, hook: () => void): void {
  hooks.set(connection, hook);
  void connection.closed.then(() => runCloseHook(connection));
}

/** Runs the hook set for `connection`, if any and not run yet. */
export function runCloseHook(connection: object): void {
  const hook = hooks.get(connection);
  if (hook === undefined) return;
  hooks.delete(connection);
  hook();
}

/** Publishes `connection`'s close on `sluice:connection:close`, with why and its counters. */
export function publishClose(
  connection: Connection,
  transport: Pick<Transport<unknown>, 'protocol' | 'side'>,
  error: Error | undefined,
): void {
  publish(channels.close, {
    connection,
    protocol: transport.protocol ?? 'unknown',
    side: transport.side,
    error,
    counters: connection.counters,
  });
}
