import type { Socket } from 'node:net';
import type { IpAddress, SocketAddress } from '@sluice/connection';

/** @internal Reads the remote end of a connected socket. */
export function remoteAddressOf(socket: Socket, path: string | undefined): SocketAddress | undefined {
  if (path !== undefined) return { path };
  if (socket.remoteAddress === undefined || socket.remotePort === undefined) return undefined;
  return withFamily(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
}

/** @internal Reads the local end of a connected socket. */
export function localAddressOf(socket: Socket, path: string | undefined): SocketAddress | undefined {
  if (path !== undefined) return { path };
  if (socket.localAddress === undefined || socket.localPort === undefined) return undefined;
  return withFamily(socket.localAddress, socket.localPort, socket.localFamily);
}

/** @internal Formats an address for messages: `127.0.0.1:80`, `[::1]:80` or a path. */
export function formatAddress(address: {
  host?: string | undefined;
  port?: number | undefined;
  path?: string | undefined;
}): string {
  if (address.path !== undefined) return address.path;
  const host = address.host ?? 'localhost';
  return `${host.includes(':') ? `[${host}]` : host}:${address.port ?? '?'}`;
}

function withFamily(host: string, port: number, family: string | undefined): IpAddress {
  return family === undefined ? { host, port } : { host, port, family };
}
