/**
 * Connections over any transport: what a connection *is* (pull reading with a
 * bounded queue, awaitable writes, half-close, bounded close, framing with any
 * codec, counters), apart from what carries its bytes. `@sluice/net` carries
 * them over Node's TCP, TLS and IPC sockets, `@sluice/ws` over WebSocket;
 * {@link fromTransport} puts a connection on your own. No Node imports: this
 * package runs in browsers, Deno and Bun as it is.
 *
 * @example A connection over your own transport
 * ```ts
 * import { fromTransport } from '@sluice/connection';
 * import { lines } from '@sluice/codec';
 *
 * const conn = fromTransport(myTransport);
 * const io = conn.framed(lines());
 * await io.write('hello');
 * for await (const line of io) console.log(line);
 * ```
 *
 * @module
 */
export { AcceptQueue } from './accept-queue.js';
export type { IpAddress, PathAddress, SocketAddress } from './address.js';
export { callContained } from './call-contained.js';
export { checkConnectionOptions } from './check-connection-options.js';
export { checkServerTlsOptions } from './check-server-tls-options.js';
export { Connection, type ConnectionCounters, type ConnectionOptions } from './connection.js';
export {
  type ConnectionCloseMessage,
  type ConnectionOpenMessage,
  type ConnectionRefusedMessage,
  type ConnectionShedMessage,
  type ConnectionSide,
  channels,
  type DiagnosticsMessages,
  type FrameErrorMessage,
  hasSubscribers,
  publish,
  type RefusalReason,
} from './diagnostics.js';
export {
  CloseTimeoutError,
  ConnectTimeoutError,
  FrameTimeoutError,
  HandshakeError,
  IdleTimeoutError,
} from './errors.js';
export { Framed } from './framed.js';
export { fromTransport } from './from-transport.js';
export type { ListenerCounters } from './listener-counters.js';
export type { ReadOptions } from './read-options.js';
export { refuseOnThrow } from './refuse-on-throw.js';
export { reportCallbackError } from './report-callback-error.js';
export {
  type ConnectionHandler,
  type HandlerContext,
  type ServeOptions,
  type ServeSummary,
  serveConnections,
} from './serve.js';
export { shed } from './shed.js';
export type { Transport, TransportEvents } from './transport.js';
