import net, { type Socket } from 'node:net';
import type { Connection, ConnectionOptions } from '@sluice/connection';
import { CONNECTION_OPTION_KEYS, fromTransport } from '@sluice/connection/transport';
import { checkOptionKeys, InvalidArgumentError } from '@sluice/core';
import { SocketTransport } from './internal/socket-transport.js';

/**
 * Adopts an existing, connected `net.Socket` or `tls.TLSSocket` (from an HTTP
 * upgrade, a legacy server, …) as a Sluice {@link Connection}. Give it back
 * with `conn.unwrap()`. For half-close to work, the socket should have been
 * created with `allowHalfOpen: true`.
 *
 * @example Adopting sockets one at a time
 * ```ts
 * server.on('upgrade', (req, socket) => {
 *   const conn = fromNodeSocket(socket as Socket);
 *   void handle(conn.framed(lengthPrefixed()));
 * });
 * ```
 */
export function fromNodeSocket(socket: Socket, options?: ConnectionOptions): Connection<Socket> {
  if (!(socket instanceof net.Socket)) {
    throw new InvalidArgumentError('fromNodeSocket(): socket must be a net.Socket or a tls.TLSSocket');
  }
  checkOptionKeys('fromNodeSocket()', options, CONNECTION_OPTION_KEYS);
  return fromTransport(new SocketTransport(socket), options);
}
