/**
 * The checks of `@sluice/net`'s endpoints, made before any socket is opened:
 * Node itself would wrap a port of 70000 to 4464, read -1 as 65535 and
 * `'abc'` as "any port".
 *
 * @internal
 */
import { checkOption, InvalidArgumentError } from '@sluice/core';

/** Where to connect or listen: a `port` (with an optional `host`) or a `path`, never both. */
export function checkEndpoint(
  where: string,
  options: { host?: unknown; port?: unknown; path?: unknown },
  minPort: number,
): void {
  if (options.path !== undefined && options.port !== undefined) {
    throw new InvalidArgumentError(`${where}: give a port or a path, not both`);
  }
  if (options.path !== undefined) return checkOption(`${where}: path`, options.path, 'string');
  checkOption(`${where}: port`, options.port, { integer: [minPort, 65535] }, { required: true });
  checkOption(`${where}: host`, options.host, 'string');
}

/** A client's `tls`: on (`true`), off (`false`), or Node's options object. Nothing else counts as on. */
export function checkClientTls(where: string, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return;
  const got = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'an array' : String(value);
  throw new InvalidArgumentError(`${where}: tls must be true, false or an object of TLS options, got ${got}`);
}

/** `handshakeTimeout` as Node's TLS server takes it: no limit is a negative number (0 is its default). */
export function handshakeTimeoutForNode(ms: number): number {
  return ms === Number.POSITIVE_INFINITY ? -1 : ms;
}
