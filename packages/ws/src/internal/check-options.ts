/**
 * The option checks of `listen()` and `connect()` beyond `checkOption`: the
 * keys each accepts, a listener's certificate, the handshake's time limit.
 * Not exported from the package.
 */
import { checkOption, InvalidArgumentError, OutOfRangeError } from '@sluice/core';

const CONNECTION_OPTION_KEYS = ['idleTimeout', 'readCapacity', 'frameTimeout', 'closeTimeout'];

/** Every key of `WebSocketListenOptions`. */
export const LISTEN_OPTION_KEYS: readonly string[] = [
  ...['host', 'port', 'server', 'path', 'tls', 'handshakeTimeout', 'signal', 'maxConnections', 'acceptCapacity'],
  ...['maxPayload', 'perMessageDeflate', 'origin', 'heartbeat', ...CONNECTION_OPTION_KEYS],
];

/** Every key of `WebSocketConnectOptions`. */
export const CONNECT_OPTION_KEYS: readonly string[] = [
  ...['protocols', 'headers', 'signal', 'timeout', 'maxPayload', 'perMessageDeflate', 'tls'],
  ...CONNECTION_OPTION_KEYS,
];

/** Every key of `BrowserConnectOptions`. */
export const BROWSER_CONNECT_OPTION_KEYS: readonly string[] = [
  'protocols',
  'signal',
  'timeout',
  ...CONNECTION_OPTION_KEYS,
];

/**
 * A listener's `tls`: Node's options object, which must give the server a
 * certificate: `key` and `cert`, or `pfx`, unless a `secureContext`,
 * `SNICallback` or (for TLS-PSK) `pskCallback` supplies one. Node would accept
 * the object and fail every handshake.
 */
export function checkServerTls(where: string, value: unknown): void {
  checkOption(`${where}: tls`, value, 'object');
  if (value === undefined) return;
  const has = (key: string) => (value as Record<string, unknown>)[key] != null;
  if (has('pfx') || has('secureContext') || has('SNICallback') || has('pskCallback')) return;
  if (has('key') && has('cert')) return;
  const got = has('key') ? 'a key without cert' : has('cert') ? 'a cert without key' : 'none of them';
  throw new InvalidArgumentError(
    `${where}: tls must give a certificate: key and cert, or pfx (or a secureContext or SNICallback), got ${got}`,
  );
}

/** `handshakeTimeout`: a time option, but never 0 (Node's TLS server would read it as its own 120 s default). */
export function checkHandshakeTimeout(where: string, value: unknown): void {
  checkOption(`${where}: handshakeTimeout`, value, 'timeout');
  if (value === 0) {
    throw new OutOfRangeError(`${where}: handshakeTimeout must be at least 1, or Infinity for no limit, got 0`);
  }
}
