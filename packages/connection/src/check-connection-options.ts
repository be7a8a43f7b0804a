import { checkOption } from '@sluice/core';
import type { ConnectionOptions } from './connection-options.js';

/**
 * Checks the options every connection takes (`idleTimeout`, `frameTimeout`,
 * `readCapacity`, `closeTimeout`) the way `connect()` and `listen()` do, throwing
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
  checkOption(`${where}: closeTimeout`, options.closeTimeout, 'timeout');
  checkOption(`${where}: frameTimeout`, options.frameTimeout, 'timeout');
}
