import { checkOption } from '@sluice/core';
import { checkConnectionOptions } from './check-connection-options.js';
import { Connection } from './connection.js';
import type { ConnectionOptions } from './connection-options.js';
import type { Transport } from './transport.js';

/**
 * A {@link Connection} over any {@link Transport}: your own byte carrier gets
 * everything a Sluice connection does (pull reading with a bounded queue,
 * awaitable writes, half-close, bounded close, `framed(codec)`, counters).
 * `@sluice/net` uses it for Node sockets; a WebSocket transport is another.
 *
 * @example
 * ```ts
 * const conn = fromTransport(myTransport, { readCapacity: 16 * 1024 });
 * for await (const line of conn.framed(lines())) console.log(line);
 * ```
 */
export function fromTransport<Raw>(transport: Transport<Raw>, options?: ConnectionOptions): Connection<Raw> {
  checkOption('fromTransport(): transport', transport, 'object', { required: true });
  checkOption('fromTransport(): transport.open', transport.open, 'function', { required: true });
  checkOption('fromTransport(): options', options, 'object');
  if (options !== undefined) checkConnectionOptions('fromTransport()', options);
  return new Connection(transport, options);
}
