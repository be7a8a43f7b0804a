import type { ClientRequest, IncomingMessage } from 'node:http';
import type tls from 'node:tls';
import { type Connection, type ConnectionOptions, ConnectTimeoutError } from '@sluice/connection';
import { fromTransport, refuseOnThrow } from '@sluice/connection/transport';
import type { AbortOptions } from '@sluice/core';
import { AbortError, checkOption, checkOptionKeys, throwIfAborted } from '@sluice/core';
import WebSocket from 'ws';
import { UpgradeRefusedError, WebSocketHandshakeError } from './errors.js';
import { CONNECT_OPTION_KEYS } from './internal/check-options.js';
import { checkTarget } from './internal/target.js';
import { WebSocketTransport } from './internal/ws-transport.js';

/** Options of {@link connect}. */
export interface WebSocketConnectOptions extends ConnectionOptions, AbortOptions {
  /** Subprotocols to offer (`Sec-WebSocket-Protocol`). */
  protocols?: string | string[] | undefined;
  /** Extra headers of the opening handshake (Node only). */
  headers?: Record<string, string> | undefined;
  /** Aborts connecting: the promise rejects with an `AbortError`. */
  signal?: AbortSignal | undefined;
  /** Milliseconds allowed for connecting and the handshake; then `ERR_CONNECT_TIMEOUT`. `0` or `Infinity`: none. */
  timeout?: number | undefined;
  /**
   * The largest message accepted, in bytes; a larger one closes the
   * connection with 1009 and `ERR_WS_MESSAGE_TOO_BIG`.
   * @default 1048576 (1 MiB; `ws` would take 100 MiB)
   */
  maxPayload?: number | undefined;
  /** Compress messages (permessage-deflate). Costs memory per connection (see `ws`'s README). @default false */
  perMessageDeflate?: boolean | undefined;
  /**
   * TLS options for `wss:` (Node's `tls.ConnectionOptions`: `ca`, `cert`, `key`,
   * `servername`, `rejectUnauthorized`, …). TLS 1.2 is the minimum. A
   * `checkServerIdentity` that throws refuses the certificate: `connect()`
   * rejects with what it threw.
   */
  tls?: tls.ConnectionOptions | undefined;
}

/** The largest message accepted by default. */
/** @internal */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * Opens a WebSocket client connection and resolves to a {@link Connection}
 * once the handshake is done: the same connection as `@sluice/net`'s, so
 * `framed(codec)`, backpressure, `closeWrite()` and `await using` work alike.
 * Rejects with the handshake's error (`ECONNREFUSED`, an unexpected HTTP
 * status, `ERR_WS_HANDSHAKE` for a 101 answer that breaks the protocol), an
 * `AbortError`, or `ERR_CONNECT_TIMEOUT`.
 *
 * @example
 * ```ts
 * await using conn = await connect('ws://127.0.0.1:8080/chat', { timeout: 5000 });
 * const io = conn.framed(json({ framing: messages() }));
 * await io.write({ hello: 'world' });
 * ```
 */
export async function connect(
  url: string | URL,
  options: WebSocketConnectOptions = {},
): Promise<Connection<WebSocket>> {
  const { target, port, protocol } = checkTarget(url, options);
  const { signal } = options;
  checkOptionKeys('connect()', options, CONNECT_OPTION_KEYS);
  const timeout = options.timeout === Number.POSITIVE_INFINITY ? 0 : (options.timeout ?? 0);
  checkOption('connect(): maxPayload', options.maxPayload, { integer: [1] });
  checkOption('connect(): perMessageDeflate', options.perMessageDeflate, 'boolean');
  checkOption('connect(): headers', options.headers, 'object');
  checkOption('connect(): tls', options.tls, 'object');
  throwIfAborted(signal);
  const ws = new WebSocket(target, options.protocols, {
    maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    perMessageDeflate: options.perMessageDeflate ?? false,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(target.protocol === 'wss:' ? { minVersion: 'TLSv1.2' as const, ...secure(options.tls) } : {}),
  });
  try {
    // The connection is made in the 'open' handler itself: messages the server sends at once must find it there.
    return await new Promise<Connection<WebSocket>>((resolve, reject) => {
      const timer =
        timeout === 0 ? undefined : setTimeout(() => fail(new ConnectTimeoutError(timeout, target.href)), timeout);
      const onAbort = () => fail(new AbortError(signal?.reason));
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        ws.off('open', succeed);
        ws.off('error', fail);
        ws.off('unexpected-response', refused);
        ws.off('upgrade', onUpgrade);
      };
      function refused(request: ClientRequest, response: IncomingMessage) {
        request.destroy();
        response.resume();
        fail(new UpgradeRefusedError(response.statusCode ?? 0, target.href));
      }
      // Past the server's 101, what fails is its answer breaking the handshake (`ws` reports a plain Error).
      let upgraded = false;
      const onUpgrade = () => (upgraded = true);
      function fail(error: Error) {
        cleanup();
        reject(upgraded ? new WebSocketHandshakeError(target.href, error) : error);
      }
      function succeed() {
        cleanup();
        const transport = new WebSocketTransport(ws, { host: target.hostname, port }, { protocol, side: 'client' });
        resolve(fromTransport(transport, options));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      ws.once('open', succeed);
      ws.once('error', fail);
      ws.once('unexpected-response', refused);
      ws.once('upgrade', onUpgrade);
    });
  } catch (error) {
    ws.on('error', () => {}); // terminating while connecting reports one more error
    ws.terminate();
    throw error;
  }
}

/** The TLS options for `wss:`, with a `checkServerIdentity` that throws refusing the certificate instead of crashing. */
function secure(options: tls.ConnectionOptions | undefined): tls.ConnectionOptions | undefined {
  const check = options?.checkServerIdentity;
  return check === undefined
    ? options
    : { ...options, checkServerIdentity: refuseOnThrow('connect(): tls.checkServerIdentity', check) };
}
