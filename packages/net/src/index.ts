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
 * @module
 */
export type { IpAddress, PathAddress, SocketAddress } from './address.js';
export { type ConnectOptions, connect } from './connect.js';
export { Connection, type ConnectionCounters, type ConnectionOptions } from './connection.js';
export { type BindOptions, bind, type Datagram, DatagramSocket } from './datagram.js';
export { CloseTimeoutError, ConnectTimeoutError, HandshakeError, IdleTimeoutError } from './errors.js';
export { Framed } from './framed.js';
export { fromNodeSocket } from './from-node-socket.js';
export { fromTransport } from './from-transport.js';
export { type ListenOptions, listen } from './listen.js';
export { Listener, type ListenerCounters } from './listener.js';
export type { ReadOptions } from './read-options.js';
export type { ConnectionHandler, HandlerContext, ServeOptions } from './serve.js';
export type { Transport, TransportEvents } from './transport.js';
