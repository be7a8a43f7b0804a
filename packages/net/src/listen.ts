import net from 'node:net';
import tls from 'node:tls';
import type { ConnectionOptions, SocketAddress } from '@sluice/connection';
import {
  CONNECTION_OPTION_KEYS,
  checkConnectionOptions,
  checkServerTlsOptions,
  startListening,
} from '@sluice/connection/transport';
import type { AbortOptions } from '@sluice/core';
import { checkOption, checkOptionKeys, throwIfAborted } from '@sluice/core';
import { checkEndpoint, handshakeTimeoutForNode as forNode } from './internal/check.js';
import { Listener } from './listener.js';

/** How long a TLS client may take to finish its handshake, by default. */
const DEFAULT_HANDSHAKE_TIMEOUT = 5000;
const LISTEN_OPTION_KEYS = [
  ...['host', 'port', 'path', 'tls', 'signal', 'maxConnections', 'backlog', 'acceptCapacity', 'noDelay'],
  ...['handshakeTimeout', 'onClientError', ...CONNECTION_OPTION_KEYS],
];

/** Options of {@link listen}: give `port` (and `host`), or `path`. */
export interface ListenOptions extends ConnectionOptions, AbortOptions {
  /** Address to bind. @default '127.0.0.1' (loopback only: pass `'0.0.0.0'` or `'::'` to accept remote clients) */
  host?: string | undefined;
  /** TCP port; `0` picks a free one (read it from `listener.address`). */
  port?: number | undefined;
  /** Unix socket path or Windows pipe name, instead of `host`/`port`. */
  path?: string | undefined;
  /** Serve TLS with these options (`key`, `cert`, `ca`, `requestCert`, …). TLS 1.2 is the minimum. */
  tls?: tls.TlsOptions | undefined;
  /** Aborting before the listener is bound rejects; afterwards it closes the listener. */
  signal?: AbortSignal | undefined;
  /** Connections open at once; the excess is refused at once. */
  maxConnections?: number | undefined;
  /**
   * Length of the kernel's queue of connections not yet accepted. Node's 511
   * overflows under bursts of thousands of connects.
   * @default 4096
   */
  backlog?: number | undefined;
  /**
   * Accepted connections that may wait for the consumer to pull them; past
   * this, new connections are refused so a slow accept loop cannot pile up sockets.
   * @default 1024
   */
  acceptCapacity?: number | undefined;
  /** Disable Nagle's algorithm on accepted connections. @default true */
  noDelay?: boolean | undefined;
  /**
   * With `tls`: milliseconds a client has to finish its TLS handshake; a
   * silent or slow one is dropped (`onClientError` hears `ERR_TLS_HANDSHAKE`
   * with reason `ERR_TLS_HANDSHAKE_TIMEOUT`). Node's own default is 120 s.
   * From 1 to 2^31 - 1 (Node reads 0 as its default), or `Infinity` for no limit.
   * @default 5000
   */
  handshakeTimeout?: number | undefined;
  /**
   * Told about TLS handshakes that failed (the listener carries on). One that
   * throws is contained: its error is reported with `console.error` and the
   * listener carries on.
   * @default undefined
   */
  onClientError?: ((error: Error) => void) | undefined;
}

/**
 * Binds a server socket (TCP, IPC or TLS) and resolves to a {@link Listener}
 * once it is listening. Rejects with Node's error (`EADDRINUSE`, `EACCES`, …)
 * or an `AbortError`.
 *
 * @example
 * ```ts
 * const listener = await listen({ host: '127.0.0.1', port: 0, idleTimeout: 30_000 });
 * for await (const conn of listener) void handle(conn);
 * ```
 */
export async function listen(options: ListenOptions): Promise<Listener> {
  checkOption('listen(): options', options, 'object', { required: true });
  checkOptionKeys('listen()', options, LISTEN_OPTION_KEYS);
  const { path, signal } = options;
  checkEndpoint('listen()', options, 0);
  checkConnectionOptions('listen()', options);
  checkOption('listen(): maxConnections', options.maxConnections, { integer: [1, Number.POSITIVE_INFINITY] });
  checkOption('listen(): backlog', options.backlog, { integer: [1] });
  checkOption('listen(): acceptCapacity', options.acceptCapacity, { integer: [1] });
  checkOption('listen(): signal', signal, 'signal');
  checkServerTlsOptions('listen()', options);
  checkOption('listen(): noDelay', options.noDelay, 'boolean');
  checkOption('listen(): onClientError', options.onClientError, 'function');
  throwIfAborted(signal);

  const secure = options.tls !== undefined;
  const serverOptions = { allowHalfOpen: true, noDelay: options.noDelay ?? true };
  const server = secure
    ? tls.createServer({
        minVersion: 'TLSv1.2',
        ...options.tls,
        handshakeTimeout: forNode(
          options.handshakeTimeout ?? options.tls?.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
        ),
        ...serverOptions,
        allowHalfOpen: false,
      })
    : net.createServer({ ...serverOptions, pauseOnConnect: true });
  if (options.maxConnections !== undefined && Number.isFinite(options.maxConnections))
    server.maxConnections = options.maxConnections;

  const backlog = options.backlog ?? 4096;
  await startListening(
    server,
    () => {
      if (path !== undefined) server.listen({ path, backlog });
      else server.listen({ host: options.host ?? '127.0.0.1', port: options.port, backlog });
    },
    signal,
  );

  const listener = new Listener(
    server,
    boundAddress(server, path),
    {
      connection: options,
      path,
      acceptCapacity: options.acceptCapacity ?? 1024,
      onClientError: options.onClientError,
    },
    secure,
  );
  signal?.addEventListener('abort', () => void listener.close(), { once: true });
  return listener;
}

function boundAddress(server: net.Server, path: string | undefined): SocketAddress {
  const address = server.address();
  if (path !== undefined || address === null || typeof address === 'string') return { path: path ?? String(address) };
  return { host: address.address, port: address.port, family: address.family };
}
