/**
 * The keys each subject function accepts (its connection's options, without
 * `signal`, and the subject's own), for `checkOptionKeys`: checked when the
 * function is called, not at each subscription. Not exported from the package.
 */

import { CONNECTION_OPTION_KEYS as CONNECTION } from '@sluice/connection/transport';

const SUBJECT = ['codec', 'capacity', 'overflow', 'openObserver', 'closeObserver'];

/** `SocketOptions`: `@sluice/net`'s `ConnectOptions` and the subject's. */
export const SOCKET_OPTION_KEYS: readonly string[] = [
  ...['host', 'port', 'path', 'family', 'tls', 'timeout', 'noDelay', 'keepAlive', ...CONNECTION, ...SUBJECT],
  'reconnect',
];

/** `ListenSubjectOptions`: `@sluice/net`'s `ListenOptions`, the subject's (no `openObserver`) and `onListening`. */
export const LISTEN_SUBJECT_OPTION_KEYS: readonly string[] = [
  ...['host', 'port', 'path', 'tls', 'maxConnections', 'backlog', 'acceptCapacity', 'noDelay', 'handshakeTimeout'],
  ...['onClientError', ...CONNECTION, 'codec', 'capacity', 'overflow', 'closeObserver', 'onListening'],
];

/** `startListening()`'s: `listen$`'s and `signal`. */
export const START_LISTENING_OPTION_KEYS: readonly string[] = [...LISTEN_SUBJECT_OPTION_KEYS, 'signal'];

/** `WebSocketSubjectOptions`: `@sluice/ws`'s `WebSocketConnectOptions`, the subject's and `url`. */
export const WEB_SOCKET_SUBJECT_OPTION_KEYS: readonly string[] = [
  ...['url', 'protocols', 'headers', 'timeout', 'maxPayload', 'perMessageDeflate', 'tls', ...CONNECTION, ...SUBJECT],
  'reconnect',
];

/** `ToAsyncIterableOptions`. */
export const TO_ASYNC_ITERABLE_OPTION_KEYS: readonly string[] = ['capacity', 'overflow'];
