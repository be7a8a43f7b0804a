/**
 * Node sockets as async iterables: TCP, IPC, TLS and UDP, with awaitable
 * writes, real backpressure and framing codecs.
 *
 * @example A line-echo server and a client
 * ```ts
 * import { lines } from '@sluice/codec';
 * import { connect, listen } from '@sluice/net';
 *
 * const listener = await listen({ host: '127.0.0.1', port: 0 });
 * const served = listener.serve(async (conn) => {
 *   const io = conn.framed(lines());
 *   for await (const line of io) await io.write(`echo: ${line}`);
 * });
 *
 * const conn = await connect(listener.address);
 * const io = conn.framed(lines());
 * await io.write('hello');
 * await io.closeWrite();
 * for await (const line of io) console.log(line); // "echo: hello"
 * await listener.close();
 * await served;
 * ```
 *
 * @module @sluice/net
 */
export {
  CloseTimeoutError,
  Connection,
  type ConnectionCloseMessage,
  type ConnectionCounters,
  type ConnectionHandler,
  type ConnectionOpenMessage,
  type ConnectionOptions,
  type ConnectionRefusedMessage,
  type ConnectionShedMessage,
  ConnectTimeoutError,
  channels,
  Framed,
  type FrameErrorMessage,
  FrameTimeoutError,
  type HandlerContext,
  HandshakeError,
  IdleTimeoutError,
  type IpAddress,
  type ListenerCounters,
  type PathAddress,
  type ReadOptions,
  type RefusalReason,
  type ServeOptions,
  type ServeSummary,
  type SocketAddress,
} from '@sluice/connection';
export { type ConnectOptions, connect } from './connect.js';
export { type BindOptions, bind, type Datagram, DatagramSocket } from './datagram.js';
export { fromNodeSocket } from './from-node-socket.js';
export { type ListenOptions, listen } from './listen.js';
export { Listener } from './listener.js';
