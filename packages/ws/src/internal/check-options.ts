import { CONNECTION_OPTION_KEYS } from '@sluice/connection/transport';

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
