/**
 * WebSocket connections as Sluice connections: the same `Connection`,
 * `framed(codec)`, backpressure and `await using` as `@sluice/net`'s, over
 * WebSocket, in Node (on the `ws` library). `messages()` reads one frame per
 * message; text codecs (`lines`, `json`, `text`) send text messages, so
 * browsers and RxJS's `webSocket` subject read them as strings.
 *
 * @example A JSON echo server and a client
 * ```ts
 * import { json } from '@sluice/codec';
 * import { connect, listen, messages } from '@sluice/ws';
 *
 * await using listener = await listen({ host: '127.0.0.1', port: 0 });
 * void listener.serve(async (conn) => {
 *   const io = conn.framed(json({ framing: messages() }));
 *   for await (const value of io) await io.write(value);
 * });
 * await using conn = await connect(`ws://127.0.0.1:${listener.port}`);
 * const io = conn.framed(json({ framing: messages() }));
 * await io.write({ hello: 'ws' });
 * console.log(await io.read()); // { hello: 'ws' }
 * ```
 *
 * @module @sluice/ws
 */
export { connect, type WebSocketConnectOptions } from './connect.js';
export { UpgradeRefusedError, WebSocketCloseError, WebSocketHandshakeError } from './errors.js';
export { listen, type WebSocketListenOptions } from './listen.js';
export { WebSocketListener, type WebSocketListenerCounters } from './listener.js';
export { messages } from './messages.js';
