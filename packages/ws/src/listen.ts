import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import {
  type ConnectionOptions,
  HandshakeError,
  type IpAddress,
  type RefusalReason,
  type SocketAddress,
} from '@sluice/connection';
import {
  checkConnectionOptions,
  checkServerTlsOptions,
  fromTransport,
  startListening,
} from '@sluice/connection/transport';
import type { AbortOptions } from '@sluice/core';
import { checkOption, checkOptionKeys, InvalidArgumentError, throwIfAborted } from '@sluice/core';
import { WebSocketServer } from 'ws';
import { DEFAULT_MAX_PAYLOAD } from './connect.js';

/** How long a `wss` client may take to finish its TLS handshake, by default (Node's own is 120 s). */
const DEFAULT_HANDSHAKE_TIMEOUT = 5000;

import { LISTEN_OPTION_KEYS } from './internal/check-options.js';
import { checkPath, leftToOthers, registerUpgradeHandler } from './internal/upgrade-path.js';
import { WebSocketTransport } from './internal/ws-transport.js';
import { type Accepted, WebSocketListener } from './listener.js';

/** Options of {@link listen}: a `port` (with `host`) to listen on, or a `server` to attach to. */
export interface WebSocketListenOptions extends ConnectionOptions, AbortOptions {
  /** Address to bind. @default '127.0.0.1' (loopback only) */
  host?: string | undefined;
  /** TCP port; `0` picks a free one. */
  port?: number | undefined;
  /**
   * An `http` or `https` server you already run (beside Express or Fastify):
   * WebSocket upgrades for `path` are taken from it; other requests, and
   * upgrades for other paths, are left to it (several listeners can share one
   * server on different paths), and closing the listener leaves the server running.
   * An upgrade for another path is left to the server's other `'upgrade'`
   * listeners; if it has none but Sluice listeners and none of them takes
   * that path, it is answered 404 (400 for a target that is no URL path) and
   * its socket closed, rather than left open for good.
   */
  server?: http.Server | https.Server | undefined;
  /**
   * Accept upgrades for this URL path only (it must start with `/`); others get 404 (or, on your
   * `server`, are left to its other `'upgrade'` listeners, if it has any). A request target that is
   * no URL path (`//[`) gets 400. Matched as clients send it, percent-encoded: `'/café'` takes
   * `ws://host/café`. A query, a fragment or `.`/`..` segments, which no request's path has, are
   * refused (`ERR_INVALID_ARG`).
   * @default any path
   */
  path?: string | undefined;
  /** Serve `wss:` with these TLS options (`key`, `cert`, …), when not attaching to a `server`. */
  tls?: https.ServerOptions | undefined;
  /**
   * Milliseconds a client has to finish its opening handshake on the
   * listener's own server: the TLS handshake (`wss:`), and the HTTP upgrade
   * request's headers. A silent or byte-dribbling client is dropped (a TLS
   * one without an answer, an HTTP one with 408) and counted and published
   * as a `'handshake'` refusal. At least 1; `Infinity`: no limit. Not applied to a `server` you
   * attach to: its own timeouts stand.
   * @default 5000
   */
  handshakeTimeout?: number | undefined;
  /** Aborting before the listener is bound rejects; afterwards it closes the listener. */
  signal?: AbortSignal | undefined;
  /** Connections open at once; past it, upgrades are refused with 503. */
  maxConnections?: number | undefined;
  /** Accepted connections that may wait to be pulled; past it, upgrades are refused with 503. @default 1024 */
  acceptCapacity?: number | undefined;
  /** The largest message accepted; a larger one closes that connection with 1009. @default 1048576 (1 MiB) */
  maxPayload?: number | undefined;
  /** Compress messages (permessage-deflate); costs memory per connection. @default false */
  perMessageDeflate?: boolean | undefined;
  /**
   * Accepts the `Origin` of a browser's upgrade (`undefined` for non-browser clients); refused ones
   * get 403. If it throws, or answers with a promise (an `async` function: decide at once, from
   * what you hold in memory), that client is refused with 403 too, and the error is published
   * with the refusal on `sluice:connection:refused`; the listener carries on.
   * @default any
   */
  origin?: ((origin: string | undefined) => boolean) | undefined;
  /**
   * Pings every connection this often (ms) and drops one that did not answer
   * the previous ping: dead peers are shed. `0` or `Infinity` turns it off.
   * @default 30000
   */
  heartbeat?: number | undefined;
}

/**
 * Listens for WebSocket connections and resolves to a listener of the same
 * shape as `@sluice/net`'s: an async iterable of connections with `accept()`,
 * `serve(handler)`, `address`, `close()` and `await using`. Secure by default:
 * 1 MiB messages, no compression, bounded queues, a heartbeat.
 *
 * @example
 * ```ts
 * await using listener = await listen({ host: '127.0.0.1', port: 0, path: '/echo' });
 * void listener.serve(async (conn) => {
 *   const io = conn.framed(json({ framing: messages() }));
 *   for await (const message of io) await io.write(message);
 * });
 * ```
 */
export async function listen(options: WebSocketListenOptions): Promise<WebSocketListener> {
  checkOption('listen(): options', options, 'object', { required: true });
  checkOptionKeys('listen()', options, LISTEN_OPTION_KEYS);
  checkConnectionOptions('listen()', options);
  const { server: attached, signal } = options;
  if (attached === undefined) checkOption('listen(): port', options.port, { integer: [0, 65535] }, { required: true });
  checkOption('listen(): host', options.host, 'string');
  checkOption('listen(): server', attached, 'object');
  checkOption('listen(): path', options.path, 'string');
  // Compared with each request's path as parsed: percent-encoded as clients send it.
  if (options.path !== undefined) options = { ...options, path: checkPath(options.path) };
  checkServerTlsOptions('listen()', options);
  checkOption('listen(): signal', signal, 'signal');
  checkOption('listen(): maxConnections', options.maxConnections, { integer: [1, Number.POSITIVE_INFINITY] });
  checkOption('listen(): acceptCapacity', options.acceptCapacity, { integer: [1] });
  checkOption('listen(): maxPayload', options.maxPayload, { integer: [1] });
  checkOption('listen(): perMessageDeflate', options.perMessageDeflate, 'boolean');
  checkOption('listen(): origin', options.origin, 'function');
  checkOption('listen(): heartbeat', options.heartbeat, 'timeout');
  throwIfAborted(signal);

  const handshakeTimeout = options.handshakeTimeout ?? options.tls?.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  // The upgrade request's headers must arrive within the handshake's time too (Node's default is 60 s), checked
  // often enough that a dribbler is dropped close to it.
  // No limit (Infinity) is 0 to Node's HTTP server, and a negative number to its TLS server (0 is its 120 s default).
  const noLimit = handshakeTimeout === Number.POSITIVE_INFINITY;
  const requestLimits: http.ServerOptions = {
    headersTimeout: noLimit ? 0 : handshakeTimeout,
    requestTimeout: noLimit ? 0 : handshakeTimeout,
    connectionsCheckingInterval: Math.min(1000, handshakeTimeout),
  };
  const server =
    attached ??
    (options.tls === undefined
      ? http.createServer(requestLimits, upgradeRequired)
      : https.createServer(
          { ...options.tls, ...requestLimits, handshakeTimeout: noLimit ? -1 : handshakeTimeout },
          upgradeRequired,
        ));
  const protocol = options.tls !== undefined || server instanceof https.Server ? 'wss' : 'ws';
  if (attached === undefined) {
    await startListening(
      server,
      () => server.listen({ host: options.host ?? '127.0.0.1', port: options.port }),
      signal,
    );
  }
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    perMessageDeflate: options.perMessageDeflate ?? false,
  });
  const listener = new WebSocketListener({
    address: boundAddress(server),
    acceptCapacity: options.acceptCapacity ?? 1024,
    maxConnections: options.maxConnections ?? Number.POSITIVE_INFINITY,
    heartbeat: options.heartbeat ?? 30_000,
    protocol,
    stop: async () => {
      signal?.removeEventListener('abort', onSignal);
      server.off('upgrade', onUpgrade);
      server.off('error', onServerError);
      server.off('tlsClientError', onClientError);
      server.off('clientError', onRequestError);
      wss.close();
      if (attached === undefined) {
        // Stop listening, and drop the sockets that never became WebSockets (nothing sent yet, an upgrade request
        // not finished). Connections handed out are their owners' (no longer the server's) and live on.
        server.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
      }
    },
  });
  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    const target = pathOf(request);
    // On a server you run, upgrades for other paths (or targets that are no path at all) are left to your other
    // 'upgrade' listeners; answered here only if none would answer them (the socket would stay open for good).
    if (attached !== undefined && !takes(target) && leftToOthers(attached, target, onUpgrade)) return;
    const peer = request.socket;
    const remote: IpAddress | undefined =
      peer.remoteAddress === undefined ? undefined : { host: peer.remoteAddress, port: peer.remotePort ?? 0 };
    const { reason, error } = refuse(target, request, options, listener);
    if (reason !== undefined) {
      listener.refuse(reason, remote, error);
      const status = STATUS[reason];
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const transport = new WebSocketTransport(ws, remote, { protocol, side: 'server' });
      const accepted: Accepted = { ws, conn: fromTransport(transport, options) };
      listener.offer(accepted);
    });
  };
  const takes = (target: string | undefined): boolean => options.path === undefined || target === options.path;
  registerUpgradeHandler(onUpgrade, takes);
  // A server error after binding (EMFILE, …) reaches whoever waits for a connection, never the process.
  const onServerError = (error: Error) => listener.fail(error);
  // A failed or timed-out TLS handshake on a server of our own: counted and published, the socket released.
  const onClientError = (error: Error, socket: PeerSocket) => {
    socket.destroy();
    const code = (error as { code?: unknown }).code;
    const failure = new HandshakeError(typeof code === 'string' ? code : 'UNKNOWN', error.message, { cause: error });
    listener.refuse('handshake', remoteOf(socket), failure);
  };
  // A bad or too slow upgrade request on a server of our own: answered as Node would (408 or 400), and an
  // upgrade request whose headers did not arrive within handshakeTimeout counted and published.
  const onRequestError = (error: Error, socket: PeerSocket) => {
    const timedOut = (error as { code?: unknown }).code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (socket.writable && socket.bytesWritten === 0) {
      socket.write(`HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
    if (timedOut) listener.refuse('handshake', remoteOf(socket), error);
  };
  if (attached === undefined) {
    server.on('tlsClientError', onClientError);
    server.on('clientError', onRequestError);
  }
  const onSignal = () => void listener.close();
  server.on('upgrade', onUpgrade);
  server.on('error', onServerError);
  signal?.addEventListener('abort', onSignal, { once: true });
  return listener;
}

/**
 * How the listener's own server answers a request that is not an upgrade: at once, 426, closing the
 * socket (as `ws`'s own server does), rather than leaving it open until Node's request timeout.
 */
function upgradeRequired(_request: http.IncomingMessage, response: http.ServerResponse): void {
  response.writeHead(426, { Connection: 'close', Upgrade: 'websocket', 'Content-Type': 'text/plain' });
  response.end('Upgrade Required');
}

const ORIGIN_NOT_AT_ONCE =
  'listen(): origin must answer at once with true or false, not with a promise (an async function): the client was refused';

/** The HTTP status line that answers each refusal. */
const STATUS: Record<RefusalReason, string> = {
  path: '404 Not Found',
  origin: '403 Forbidden',
  maxConnections: '503 Service Unavailable',
  acceptCapacity: '503 Service Unavailable',
  closing: '503 Service Unavailable',
  handshake: '400 Bad Request',
};

/** Why an upgrade is refused (and what went wrong, if something did), or no reason to take it. */
function refuse(
  target: string | undefined,
  request: http.IncomingMessage,
  options: WebSocketListenOptions,
  listener: WebSocketListener,
): { reason?: RefusalReason; error?: Error } {
  if (target === undefined) return { reason: 'handshake' }; // 400, as Node answers a malformed request
  if (options.path !== undefined && target !== options.path) return { reason: 'path' };
  if (options.origin !== undefined) {
    // A user's function that throws refuses that client only (403), and the error is published with the refusal.
    try {
      const verdict: unknown = options.origin(request.headers.origin);
      if (typeof (verdict as PromiseLike<unknown> | null)?.then === 'function') {
        // An async origin would let everyone in (a promise is truthy): refuse, and say why.
        (verdict as PromiseLike<unknown>).then(undefined, () => {}); // its rejection has nobody to reach: the client is refused already
        return { reason: 'origin', error: new InvalidArgumentError(ORIGIN_NOT_AT_ONCE) };
      }
      if (!verdict) return { reason: 'origin' };
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(`origin threw ${String(thrown)}`);
      return { reason: 'origin', error };
    }
  }
  const reason = listener.refusal();
  return reason === undefined ? {} : { reason };
}

/** The path the upgrade request asks for, or `undefined` if its target is not a URL path (`//[`, `http://[::1`). */
function pathOf(request: http.IncomingMessage): string | undefined {
  try {
    return new URL(request.url ?? '/', 'ws://x').pathname;
  } catch {
    return undefined;
  }
}

/** A socket of the listener's own server, as its error events give it. */
type PeerSocket = Duplex & { remoteAddress?: string; remotePort?: number; bytesWritten?: number };

function remoteOf(socket: PeerSocket): IpAddress | undefined {
  return socket.remoteAddress === undefined ? undefined : { host: socket.remoteAddress, port: socket.remotePort ?? 0 };
}

function boundAddress(server: http.Server | https.Server): SocketAddress {
  const address = server.address();
  if (address === null || typeof address === 'string') return { path: String(address) };
  return { host: address.address, port: address.port, family: address.family };
}
