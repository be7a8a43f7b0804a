import type { Connection } from '../connection.js';
import { channels, publish } from '../diagnostics.js';
import type { Transport } from '../transport.js';

/**
 * What must happen the moment a connection closes, before its close message
 * is published: a listener's counters, so that a `sluice:connection:close`
 * subscriber reading `listener.counters` sees the connection closed already.
 * Run once, from `Connection`'s close; a hook set on a connection that has
 * closed already runs at once. One hook function serves every connection of
 * a listener (it is given the connection), so a connection costs an entry in
 * a WeakMap, not a closure and a promise reaction.
 *
 * @internal
 */
const hooks = new WeakMap<object, (connection: never) => void>();
/** Connections that closed before a hook was set. */
const closedFirst = new WeakSet<object>();

/** Calls `hook(connection)` once `connection` has closed, before its close is published if still to come. */
export function setCloseHook<C extends object>(connection: C, hook: (connection: C) => void): void {
  if (closedFirst.delete(connection)) return hook(connection);
  hooks.set(connection, hook as (connection: never) => void);
}

/** Runs the hook set for `connection`, if any and not run yet; remembers the close for a hook set later. */
export function runCloseHook(connection: object): void {
  const hook = hooks.get(connection) as ((connection: object) => void) | undefined;
  if (hook === undefined) {
    closedFirst.add(connection);
    return;
  }
  hooks.delete(connection);
  hook(connection);
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
