/**
 * Errors raised by `@sluice/ws`. Every one extends `SluiceError` and carries a
 * stable `code`.
 *
 * @module
 */
import { SluiceError } from '@sluice/core';

/** Close codes that end a connection cleanly: normal, going away, no status given. */
const CLEAN = new Set([1000, 1001, 1005]);

/**
 * The peer (or the network) closed a WebSocket other than normally. `code`
 * says how: `ERR_WS_MESSAGE_TOO_BIG` (close code 1009: a message over the
 * receiver's `maxPayload`), `ERR_WS_ABNORMAL_CLOSE` (1006: the connection
 * dropped without a close frame), or `ERR_WS_CLOSED` (any other code, such as
 * 1011, a server error). `closeCode` and `reason` are what the close frame
 * said.
 *
 * @example
 * ```ts
 * try { for await (const msg of conn.framed(json({ framing: messages() }))) use(msg); }
 * catch (err) { if (err instanceof WebSocketCloseError) console.log(err.closeCode, err.reason); }
 * ```
 */
export class WebSocketCloseError extends SluiceError {
  /** `'WebSocketCloseError'`, as stack traces show it. */
  override name = 'WebSocketCloseError';
  /** The WebSocket close code, such as 1006 or 1009. */
  readonly closeCode: number;
  /** The close frame's reason, often empty. */
  readonly reason: string;

  constructor(closeCode: number, reason: string) {
    const code =
      closeCode === 1009 ? 'ERR_WS_MESSAGE_TOO_BIG' : closeCode === 1006 ? 'ERR_WS_ABNORMAL_CLOSE' : 'ERR_WS_CLOSED';
    super(code, `WebSocket closed with code ${closeCode}${reason === '' ? '' : `: ${reason}`}`);
    this.closeCode = closeCode;
    this.reason = reason;
  }
}

/** The error a close code means, or `undefined` for a clean close. */
export function closeError(closeCode: number, reason: string): WebSocketCloseError | undefined {
  return CLEAN.has(closeCode) ? undefined : new WebSocketCloseError(closeCode, reason);
}

/**
 * The server answered the opening handshake with an HTTP status instead of
 * accepting the WebSocket: a wrong path (404), a refused origin (403), no
 * room (503), a plain HTTP server. Code `ERR_WS_UPGRADE_REFUSED`; `status`
 * is the HTTP status.
 *
 * @example
 * ```ts
 * try { await connect('ws://127.0.0.1:8080/wrong'); }
 * catch (err) { if (err instanceof UpgradeRefusedError) console.log(err.status); } // 404
 * ```
 */
export class UpgradeRefusedError extends SluiceError {
  /** `'UpgradeRefusedError'`, as stack traces show it. */
  override name = 'UpgradeRefusedError';
  /** The HTTP status the server answered with. */
  readonly status: number;

  constructor(status: number, url: string) {
    super('ERR_WS_UPGRADE_REFUSED', `The server at ${url} answered HTTP ${status} instead of accepting the WebSocket`);
    this.status = status;
  }
}

/**
 * The server answered the opening handshake with 101 (switching to the
 * WebSocket protocol) but not as the protocol requires: a wrong
 * `Sec-WebSocket-Accept` (it is not a WebSocket server, or something in
 * between rewrote the answer), a missing `Upgrade: websocket`, a subprotocol
 * or extension that was not offered. Code `ERR_WS_HANDSHAKE`; `cause` is what
 * `ws` reported.
 *
 * @example
 * ```ts
 * try { await connect('ws://127.0.0.1:8080/'); }
 * catch (err) { if (err instanceof WebSocketHandshakeError) console.log(err.message); }
 * ```
 */
export class WebSocketHandshakeError extends SluiceError {
  /** `'WebSocketHandshakeError'`, as stack traces show it. */
  override name = 'WebSocketHandshakeError';

  constructor(url: string, cause: Error) {
    super('ERR_WS_HANDSHAKE', `The server at ${url} answered the WebSocket handshake wrongly: ${cause.message}`, {
      cause,
    });
  }
}
