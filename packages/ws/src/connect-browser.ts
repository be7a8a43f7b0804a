import { type Connection, type ConnectionOptions, ConnectTimeoutError } from '@sluice/connection';
import { fromTransport } from '@sluice/connection/transport';
import { AbortError, type AbortOptions, checkOptionKeys, throwIfAborted } from '@sluice/core';
import { WebSocketCloseError } from './errors.js';
import { BrowserWebSocketTransport } from './internal/browser-transport.js';
import { BROWSER_CONNECT_OPTION_KEYS } from './internal/check-options.js';
import { checkTarget } from './internal/target.js';

/** Options of {@link connect} in browsers. */
export interface BrowserConnectOptions extends ConnectionOptions, AbortOptions {
  /** Subprotocols to offer (`Sec-WebSocket-Protocol`). */
  protocols?: string | string[] | undefined;
  /** Milliseconds allowed for connecting; then `ERR_CONNECT_TIMEOUT`. `0` or `Infinity`: none. */
  timeout?: number | undefined;
}

/**
 * Opens a WebSocket with the platform's `WebSocket` (browsers, Deno, Bun)
 * and resolves to a Sluice `Connection` once it is open: `framed(codec)`,
 * `await write()`, `closeWrite()` and `await using`, as in Node. Rejects with
 * `ERR_WS_ABNORMAL_CLOSE` if it cannot connect (the platform gives no more
 * detail), an `AbortError`, or `ERR_CONNECT_TIMEOUT`.
 *
 * @example
 * ```ts
 * const conn = await connect(`ws://${location.host}/chat`);
 * const io = conn.framed(json({ framing: messages() }));
 * await io.write({ hello: 'from the browser' });
 * ```
 */
export async function connect(url: string | URL, options: BrowserConnectOptions = {}): Promise<Connection<WebSocket>> {
  const { target, port, protocol } = checkTarget(url, options, globalThis.location?.href);
  const { signal } = options;
  checkOptionKeys('connect()', options, BROWSER_CONNECT_OPTION_KEYS);
  const timeout = options.timeout === Number.POSITIVE_INFINITY ? 0 : (options.timeout ?? 0);
  throwIfAborted(signal);
  const ws = new WebSocket(target, options.protocols);
  // The connection is made in the 'open' handler itself, before any message can be dispatched.
  return new Promise<Connection<WebSocket>>((resolve, reject) => {
    const timer =
      timeout === 0 ? undefined : setTimeout(() => fail(new ConnectTimeoutError(timeout, target.href)), timeout);
    const onAbort = () => fail(new AbortError(signal?.reason));
    const onClose = (event: CloseEvent) => fail(new WebSocketCloseError(event.code, event.reason));
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      ws.removeEventListener('open', succeed);
      ws.removeEventListener('close', onClose);
    };
    function fail(error: Error) {
      cleanup();
      ws.close();
      reject(error);
    }
    function succeed() {
      cleanup();
      resolve(fromTransport(new BrowserWebSocketTransport(ws, { host: target.hostname, port }, protocol), options));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    ws.addEventListener('open', succeed);
    ws.addEventListener('close', onClose);
  });
}
