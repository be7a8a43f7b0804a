import { checkOption, InvalidArgumentError, OutOfRangeError } from '@sluice/core';

/**
 * Checks a TLS listener's options the way `listen()` of `@sluice/net` and
 * `@sluice/ws` do, throwing `ERR_INVALID_ARG` or `ERR_OUT_OF_RANGE` before
 * anything is opened: `tls`, Node's options object, must give the server a
 * certificate (`key` and `cert`, or `pfx`, unless a `secureContext`,
 * `SNICallback` or, for TLS-PSK, `pskCallback` supplies one; Node would take
 * the object and fail every handshake), and `handshakeTimeout` is a time
 * option that is never 0 (Node's TLS server reads 0 as its own 120 s). For
 * the listen functions of transports over TLS.
 *
 * @param where The function checked, as messages name it: `'listen()'`.
 *
 * @example
 * ```ts
 * checkServerTlsOptions('listenOverMyTransport()', { tls: options.tls, handshakeTimeout: options.handshakeTimeout });
 * ```
 */
export function checkServerTlsOptions(
  where: string,
  options: { readonly tls?: unknown; readonly handshakeTimeout?: unknown },
): void {
  const { tls, handshakeTimeout } = options;
  checkOption(`${where}: handshakeTimeout`, handshakeTimeout, 'timeout');
  if (handshakeTimeout === 0) {
    throw new OutOfRangeError(`${where}: handshakeTimeout must be at least 1, or Infinity for no limit, got 0`);
  }
  checkOption(`${where}: tls`, tls, 'object');
  if (tls === undefined) return;
  const has = (key: string) => (tls as Record<string, unknown>)[key] != null;
  if (has('pfx') || has('secureContext') || has('SNICallback') || has('pskCallback')) return;
  if (has('key') && has('cert')) return;
  const got = has('key') ? 'a key without cert' : has('cert') ? 'a cert without key' : 'none of them';
  throw new InvalidArgumentError(
    `${where}: tls must give a certificate: key and cert, or pfx (or a secureContext or SNICallback), got ${got}`,
  );
}
