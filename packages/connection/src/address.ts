/**
 * Where a socket is: an IP endpoint or a local (Unix socket / Windows pipe) path.
 *
 * @example
 * ```ts
 * const listener = await listen({ host: '127.0.0.1', port: 0 });
 * if ('port' in listener.address) console.log(`listening on port ${listener.address.port}`);
 * ```
 */
export type SocketAddress = IpAddress | PathAddress;

/** An IP endpoint. */
export interface IpAddress {
  /** The IP address (`'127.0.0.1'`, `'::1'`) or, given to `connect()`, a host name. */
  readonly host: string;
  /** The port number. */
  readonly port: number;
  /** `'IPv4'` or `'IPv6'`. */
  readonly family?: string | undefined;
}

/** A Unix domain socket or Windows named pipe. */
export interface PathAddress {
  /** The socket's file path, or the pipe's name (`\\.\pipe\name`). */
  readonly path: string;
}
