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
