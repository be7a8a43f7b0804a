/**
 * Connections over any transport: what a connection *is* (pull reading with a
 * bounded queue, awaitable writes, half-close, bounded close, framing with any
 * codec, counters), apart from what carries its bytes. `@sluice/net` carries
 * them over Node's TCP, TLS and IPC sockets, `@sluice/ws` over WebSocket;
 * `@sluice/connection/transport` has what it takes to put a connection on
 * your own (`fromTransport`, the `Transport` interface, a listener's parts).
 * No Node imports: this package runs in browsers, Deno and Bun as it is.
 *
 * @example Framing a connection, whatever carries it
 * ```ts
 * import type { Connection } from '@sluice/connection';
 * import { lines } from '@sluice/codec';
 *
 * async function greet(conn: Connection): Promise<void> {
 *   const io = conn.framed(lines());
 *   await io.write('hello');
 *   for await (const line of io) console.log(line);
 * }
 * ```
 *
 * @module @sluice/connection
 */
export type { IpAddress, PathAddress, SocketAddress } from './address.js';
export type { ByChunkOptions } from './by-chunk-options.js';
export { Connection } from './connection.js';
export type { ConnectionCounters } from './connection-counters.js';
export type { ConnectionOptions } from './connection-options.js';
export {
  type ConnectionCloseMessage,
  type ConnectionOpenMessage,
  type ConnectionRefusedMessage,
  type ConnectionShedMessage,
  type ConnectionSide,
  channels,
  type DiagnosticsMessages,
  type FrameErrorMessage,
  type RefusalReason,
} from './diagnostics.js';
export {
  CloseTimeoutError,
  ConnectTimeoutError,
  FrameTimeoutError,
  HandshakeError,
  IdleTimeoutError,
  ReconnectFailedError,
  RequestClosedError,
  RequestTimeoutError,
} from './errors.js';
export { Framed } from './framed.js';
export type { ListenerCounters } from './listener-counters.js';
export type { ReadOptions } from './read-options.js';
export type { OutboxOptions, ReconnectOptions, RetryInfo } from './reconnect-options.js';
export { reconnecting } from './reconnecting.js';
export { ReconnectingClient, ReconnectingFramedClient } from './reconnecting-client.js';
export type { Correlate, CorrelateById, RequesterOptions, RequestOptions } from './request-options.js';
export { Requester, requester } from './requester.js';
export { type RequestContext, type RequestHandler, type RespondOptions, respond } from './respond.js';
export type {
  ConnectionHandler,
  HandlerContext,
  ServeOptions,
  ServeSummary,
} from './serve.js';
