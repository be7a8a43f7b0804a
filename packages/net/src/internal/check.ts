/**
 * The checks of `@sluice/net`'s options, made with core's `checkOption` before
 * any socket is opened: Node itself would wrap a port of 70000 to 4464, read
 * -1 as 65535 and `'abc'` as "any port", and overflow a timeout past 2^31 - 1
 * ms to 1 ms.
 *
 * @internal
 */
import { checkOption, InvalidArgumentError } from '@sluice/core';

/** The longest delay `setTimeout` can wait (about 24.8 days); longer ones fire at once. */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/** A timeout in milliseconds: `0` (none) up to {@link MAX_TIMEOUT}. */
export const TIMEOUT = { integer: [0, MAX_TIMEOUT] } as const;

/** The options every connection takes: `idleTimeout`, `readCapacity`, `closeTimeout`. */
export function checkConnectionOptions(
  where: string,
  options: { idleTimeout?: unknown; readCapacity?: unknown; closeTimeout?: unknown },
): void {
  checkOption(`${where}: idleTimeout`, options.idleTimeout, TIMEOUT);
  checkOption(`${where}: readCapacity`, options.readCapacity, { integer: [1] });
  checkOption(`${where}: closeTimeout`, options.closeTimeout, TIMEOUT);
}

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
