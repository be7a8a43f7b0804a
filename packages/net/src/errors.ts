/**
 * Errors raised by `@sluice/net`. Every one extends `SluiceError` and carries a
 * stable `code`; errors from the operating system (`ECONNREFUSED`,
 * `ECONNRESET`, …) and from TLS pass through unchanged, with Node's own codes.
 *
 * @module
 */
import { SluiceError } from '@sluice/core';

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
  override name = 'HandshakeError';
  /** The code of what went wrong underneath, or `'UNKNOWN'`. */
  readonly reason: string;

  constructor(reason: string, message: string, options?: ErrorOptions) {
    super('ERR_TLS_HANDSHAKE', `TLS handshake failed: ${message}`, options);
    this.reason = reason;
  }
}
