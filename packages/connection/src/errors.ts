/**
 * Errors of connections over any transport. Every one extends `SluiceError`
 * and carries a stable `code`; a transport's own errors (`ECONNRESET`, a
 * WebSocket close code) pass through as the transport raises them.
 *
 * @module
 */
import { SluiceError } from '@sluice/core';

/**
 * A connection was silent (nothing read or written) for longer than its
 * `idleTimeout` and was closed. Code `ERR_IDLE_TIMEOUT`.
 *
 * @example
 * ```ts
 * const conn = await connect({ host, port, idleTimeout: 30_000 });
 * try { for await (const chunk of conn) use(chunk); }
 * catch (err) { if (isSluiceError(err, 'ERR_IDLE_TIMEOUT')) console.log('peer went quiet'); }
 * ```
 */
export class IdleTimeoutError extends SluiceError {
  /** `'IdleTimeoutError'`, as stack traces show it. */
  override name = 'IdleTimeoutError';
  /** The idle time allowed, in milliseconds. */
  readonly timeout: number;

  constructor(timeout: number) {
    super('ERR_IDLE_TIMEOUT', `Connection idle for more than ${timeout} ms`);
    this.timeout = timeout;
  }
}

/**
 * A connection attempt did not complete within its `timeout`. Code
 * `ERR_CONNECT_TIMEOUT`.
 *
 * @example
 * ```ts
 * await connect({ host: '10.255.255.1', port: 80, timeout: 500 }); // rejects with ConnectTimeoutError
 * ```
 */
export class ConnectTimeoutError extends SluiceError {
  /** `'ConnectTimeoutError'`, as stack traces show it. */
  override name = 'ConnectTimeoutError';
  /** The time allowed, in milliseconds. */
  readonly timeout: number;

  constructor(timeout: number, target: string) {
    super('ERR_CONNECT_TIMEOUT', `Connecting to ${target} took longer than ${timeout} ms`);
    this.timeout = timeout;
  }
}

/**
 * `close()` gave up waiting for written data to reach the peer: after
 * `closeTimeout` the connection was reset with bytes still unsent. Code
 * `ERR_CLOSE_TIMEOUT`; `close()` and the writes whose data was dropped reject
 * with it, so a cut-off stream is never mistaken for a clean end.
 *
 * @example
 * ```ts
 * try { await conn.close(); }
 * catch (err) { if (isSluiceError(err, 'ERR_CLOSE_TIMEOUT')) console.warn(`${err.unsent} bytes never left`); }
 * ```
 */
export class CloseTimeoutError extends SluiceError {
  /** `'CloseTimeoutError'`, as stack traces show it. */
  override name = 'CloseTimeoutError';
  /** The time allowed, in milliseconds. */
  readonly timeout: number;
  /** Bytes still waiting to be sent when the connection was reset. */
  readonly unsent: number;

  constructor(timeout: number, unsent: number) {
    super(
      'ERR_CLOSE_TIMEOUT',
      `Closing took longer than ${timeout} ms with ${unsent} bytes still unsent: connection reset`,
    );
    this.timeout = timeout;
    this.unsent = unsent;
  }
}

/**
 * A frame began to arrive and was not complete within `frameTimeout`: a peer
 * dribbling bytes (slowloris). The connection is destroyed. Code
 * `ERR_FRAME_TIMEOUT`.
 *
 * @example
 * ```ts
 * const io = conn.framed(lines(), { frameTimeout: 10_000 }); // a line must arrive within 10 s of its first byte
 * ```
 */
export class FrameTimeoutError extends SluiceError {
  /** `'FrameTimeoutError'`, as stack traces show it. */
  override name = 'FrameTimeoutError';
  /** The time allowed, in milliseconds. */
  readonly timeout: number;
  constructor(timeout: number) {
    super('ERR_FRAME_TIMEOUT', `A frame took longer than ${timeout} ms to arrive`);
    this.timeout = timeout;
  }
}

/**
 * A client's TLS handshake with a listener failed: a refused client
 * certificate, a protocol mismatch, a client that hung up or went silent.
 * Code `ERR_TLS_HANDSHAKE`; `reason` is the underlying code (OpenSSL's
 * verification error such as `DEPTH_ZERO_SELF_SIGNED_CERT`, or Node's such as
 * `ECONNRESET`), and `cause` the underlying error. Told to `onClientError`;
 * the listener carries on.
 *
 * @example
 * ```ts
 * await listen({ port: 443, tls, onClientError: (err) => log.warn(`handshake failed: ${(err as HandshakeError).reason}`) });
 * ```
 */
export class HandshakeError extends SluiceError {
  /** `'HandshakeError'`, as stack traces show it. */
  override name = 'HandshakeError';
  /** The code of what went wrong underneath, or `'UNKNOWN'`. */
  readonly reason: string;

  constructor(reason: string, message: string, options?: ErrorOptions) {
    super('ERR_TLS_HANDSHAKE', `TLS handshake failed: ${message}`, options);
    this.reason = reason;
  }
}

/**
 * A {@link reconnecting} client gave up: `attempts` connection attempts in a
 * row failed. Code `ERR_RECONNECT_FAILED`; `cause` is the last attempt's
 * error (`ECONNREFUSED`, `ERR_CONNECT_TIMEOUT`, …), `attempts` how many
 * failed. The `for await` over the client throws it.
 *
 * @example
 * ```ts
 * try {
 *   for await (const conn of reconnecting(dial, { attempts: 5 })) await talk(conn);
 * } catch (err) {
 *   if (isSluiceError(err, 'ERR_RECONNECT_FAILED')) console.error('server unreachable:', err.cause);
 * }
 * ```
 */
export class ReconnectFailedError extends SluiceError {
  /** `'ReconnectFailedError'`, as stack traces show it. */
  override name = 'ReconnectFailedError';
  /** How many attempts in a row failed. */
  readonly attempts: number;

  constructor(attempts: number, cause: unknown) {
    const last = cause instanceof Error ? cause.message : String(cause);
    super(
      'ERR_RECONNECT_FAILED',
      `reconnecting(): ${attempts} connection attempts in a row failed, the last with: ${last}`,
      {
        cause,
      },
    );
    this.attempts = attempts;
  }
}

/**
 * A request got no response within its `timeout`. Code
 * `ERR_REQUEST_TIMEOUT`. With `correlate: 'order'` the request keeps its
 * place: its response, when it comes, is dropped.
 *
 * @example
 * ```ts
 * try {
 *   await rpc.request(ping, { timeout: 1000 });
 * } catch (err) {
 *   if (isSluiceError(err, 'ERR_REQUEST_TIMEOUT')) console.log('no answer within 1 s');
 * }
 * ```
 */
export class RequestTimeoutError extends SluiceError {
  /** `'RequestTimeoutError'`, as stack traces show it. */
  override name = 'RequestTimeoutError';
  /** The time allowed, in milliseconds. */
  readonly timeout: number;

  constructor(timeout: number) {
    super('ERR_REQUEST_TIMEOUT', `No response within ${timeout} ms`);
    this.timeout = timeout;
  }
}

/**
 * A request can get no response: its requester was closed, or the peer
 * ended the connection, before the response came. Code `ERR_REQUEST_CLOSED`.
 * (A connection that failed rejects requests with its own error instead: a
 * decode error, `ECONNRESET`.)
 *
 * @example
 * ```ts
 * const answer = rpc.request(call);
 * await rpc.close(); // answer rejects with RequestClosedError
 * ```
 */
export class RequestClosedError extends SluiceError {
  /** `'RequestClosedError'`, as stack traces show it. */
  override name = 'RequestClosedError';

  constructor(message = 'The requester is closed: no response can come') {
    super('ERR_REQUEST_CLOSED', message);
  }
}
