import net from 'node:net';
import tls from 'node:tls';
import { type Connection, type ConnectionOptions, ConnectTimeoutError } from '@sluice/connection';
import {
  CONNECTION_OPTION_KEYS,
  checkConnectionOptions,
  fromTransport,
  refuseOnThrow,
} from '@sluice/connection/transport';
import type { AbortOptions } from '@sluice/core';
import { AbortError, checkOption, checkOptionKeys, throwIfAborted } from '@sluice/core';
import { formatAddress } from './internal/address-of.js';
import { checkClientTls, checkEndpoint } from './internal/check.js';
import { SocketTransport } from './internal/socket-transport.js';

/** Options of {@link connect}: give `host` and `port`, or `path`. */
export interface ConnectOptions extends ConnectionOptions, AbortOptions {
  /** Host name or IP address. @default 'localhost' */
  host?: string | undefined;
  /** TCP port. */
  port?: number | undefined;
  /** Unix socket path or Windows pipe name, instead of `host`/`port`. */
  path?: string | undefined;
  /**
   * Accepted and unused, so that an address (`listener.address`, which has
   * `family`) can be passed as the options: `host` says the family.
   */
  family?: string | undefined;
  /**
   * Connect with TLS: `true` for the system's trusted CAs and hostname
   * checks, or Node's `tls.ConnectionOptions` (`ca`, `cert`, `key`,
   * `servername`, …). TLS 1.2 is the minimum. A `checkServerIdentity`
   * that throws refuses the certificate: `connect()` rejects with what it
   * threw.
   */
  tls?: boolean | tls.ConnectionOptions | undefined;
  /** Aborts connecting: the promise rejects with an `AbortError`. */
  signal?: AbortSignal | undefined;
  /**
   * Milliseconds allowed for connecting (and the TLS handshake); then
   * `ERR_CONNECT_TIMEOUT`, up to 2^31 - 1. `0`, `Infinity` or absent: no
   * timeout, as in Node.
   */
  timeout?: number | undefined;
  /** Disable Nagle's algorithm, for low latency. @default true */
  noDelay?: boolean | undefined;
  /** Enable TCP keep-alive probes; a number sets the initial delay in ms. @default false */
  keepAlive?: boolean | number | undefined;
}

/**
 * Opens a client connection over TCP, IPC or TLS. Resolves once connected
 * (and, with TLS, once the handshake has succeeded); rejects with Node's own
 * error (`ECONNREFUSED`, `ENOENT`, a certificate error, …), an `AbortError`,
 * or `ERR_CONNECT_TIMEOUT`.
 *
 * @example
 * ```ts
 * await using conn = await connect({ host: '127.0.0.1', port: 9000, timeout: 5000 });
 * const io = conn.framed(lines());
 * await io.write('PING');
 * ```
 */
export async function connect(options: ConnectOptions): Promise<Connection<net.Socket>> {
  checkOption('connect(): options', options, 'object', { required: true });
  checkOptionKeys('connect()', options, CONNECT_OPTION_KEYS);
  const { signal, timeout = 0, path } = options;
  checkEndpoint('connect()', options, 1);
  checkConnectionOptions('connect()', options);
  checkOption('connect(): timeout', timeout, 'timeout');
  checkOption('connect(): signal', signal, 'signal');
  checkOption('connect(): noDelay', options.noDelay, 'boolean');
  checkClientTls('connect()', options.tls);
  throwIfAborted(signal);

  const socket = openSocket(options);
  const target = formatAddress(options);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer =
        timeout === 0 || timeout === Number.POSITIVE_INFINITY
          ? undefined
          : setTimeout(() => fail(new ConnectTimeoutError(timeout, target)), timeout);
      const onAbort = () => fail(new AbortError(signal?.reason));
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('error', fail);
        socket.off(options.tls ? 'secureConnect' : 'connect', succeed);
      };
      function fail(error: Error) {
        cleanup();
        reject(error);
      }
      function succeed() {
        cleanup();
        resolve();
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', fail);
      socket.once(options.tls ? 'secureConnect' : 'connect', succeed);
    });
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return fromTransport(new SocketTransport(socket, { path, side: 'client' }), options);
}

const CONNECT_OPTION_KEYS = [
  ...['host', 'port', 'path', 'family', 'tls', 'signal', 'timeout', 'noDelay', 'keepAlive'],
  ...CONNECTION_OPTION_KEYS,
];

function openSocket(options: ConnectOptions): net.Socket {
  const { host = 'localhost', port, path } = options;
  const keepAlive = options.keepAlive ?? false;
  const common = {
    allowHalfOpen: true,
    noDelay: options.noDelay ?? true,
    keepAlive: keepAlive !== false,
    ...(typeof keepAlive === 'number' ? { keepAliveInitialDelay: keepAlive } : {}),
  };
  const endpoint = path !== undefined ? { path } : { host, port: port as number };
  if (!options.tls) return net.connect({ ...common, ...endpoint });
  const tlsOptions = options.tls === true ? {} : options.tls;
  const { checkServerIdentity } = tlsOptions;
  const servername = path === undefined && net.isIP(host) === 0 ? host : undefined;
  return tls.connect({
    minVersion: 'TLSv1.2',
    ...(servername === undefined ? {} : { servername }),
    ...common,
    ...tlsOptions,
    ...(checkServerIdentity === undefined
      ? {}
      : { checkServerIdentity: refuseOnThrow('connect(): tls.checkServerIdentity', checkServerIdentity) }),
    ...endpoint,
  });
}
