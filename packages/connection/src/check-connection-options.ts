import { checkOption } from '@sluice/core';
import type { ConnectionOptions } from './connection-options.js';

/**
 * Checks the options every connection takes (`idleTimeout`, `frameTimeout`,
 * `readCapacity`, `writeCapacity`, `closeTimeout`) the way `connect()` and `listen()` do, throwing
 * `ERR_INVALID_ARG` or `ERR_OUT_OF_RANGE` before anything is opened: for the
 * connect and listen functions of a transport.
 *
 * @param where The function checked, as messages name it: `'connect()'`.
 *
 * @example
 * ```ts
 * export async function connectOverMyTransport(options: MyOptions) {
 *   checkConnectionOptions('connectOverMyTransport()', options);
 *   // … open the transport, then: return fromTransport(transport, options);
 * }
 * ```
 */
export function checkConnectionOptions(where: string, options: ConnectionOptions): void {
  checkOption(`${where}: idleTimeout`, options.idleTimeout, 'timeout');
  checkOption(`${where}: readCapacity`, options.readCapacity, { integer: [1] });
  checkOption(`${where}: writeCapacity`, options.writeCapacity, { integer: [1, Number.POSITIVE_INFINITY] });
  checkOption(`${where}: closeTimeout`, options.closeTimeout, 'timeout');
  checkOption(`${where}: frameTimeout`, options.frameTimeout, 'timeout');
}

/**
 * The keys of {@link ConnectionOptions}, for a transport's `checkOptionKeys`
 * call: its connect and listen options hold these beside its own.
 *
 * @example
 * ```ts
 * checkOptionKeys('connectOverMyTransport()', options, ['address', 'signal', ...CONNECTION_OPTION_KEYS]);
 * ```
 */
export const CONNECTION_OPTION_KEYS: readonly string[] = Object.freeze([
  'idleTimeout',
  'readCapacity',
  'writeCapacity',
  'frameTimeout',
  'closeTimeout',
]);
