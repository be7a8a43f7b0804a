/**
 * `@sluice/rx` in browsers: every bridge and operator, `SocketSubject` and
 * `webSocket$` (over the platform's WebSocket), without `socket$` and
 * `listen$`, which need Node's sockets. Bundlers pick this build through the
 * package's `browser` condition.
 *
 * @module
 */
export { decodeWith } from './decode-with.js';
export { encodeWith } from './encode-with.js';
export { observe } from './observe.js';
export type { PushOverflowPolicy } from './push-overflow-policy.js';
export type { SocketCloseEvent } from './socket-close-event.js';
export type { SocketReconnectOptions } from './socket-reconnect-options.js';
export { SocketSubject } from './socket-subject.js';
export type { SocketSubjectConfig } from './socket-subject-config.js';
export { type ToAsyncIterableOptions, toAsyncIterable } from './to-async-iterable.js';
export { type WebSocketSubjectOptions, webSocket$ } from './web-socket.js';
