/**
 * `@sluice/connection/transport`: what a transport's author needs and its
 * users do not. The {@link Transport} interface and {@link fromTransport} put
 * a connection on your own byte carrier; {@link ListenerBase} and
 * {@link AcceptQueue} make its listener (accepting, `serve()`, counters,
 * refusals on the diagnostics channels), {@link startListening} binds a
 * server until a signal aborts, and {@link IdleTimer} is an idle timeout for
 * a transport with no timer of its own. The checks and reporters are those
 * `@sluice/net` and `@sluice/ws` use, so a new transport refuses the same bad
 * options with the same errors and contains its users' callbacks the same
 * way. No Node imports: it runs in browsers, Deno and Bun as it is.
 *
 * @example A connection over your own transport
 * ```ts
 * import { fromTransport } from '@sluice/connection/transport';
 * import { lines } from '@sluice/codec';
 *
 * const conn = fromTransport(myTransport);
 * const io = conn.framed(lines());
 * await io.write('hello');
 * for await (const line of io) console.log(line);
 * ```
 *
 * @module @sluice/connection/transport
 */
export { AcceptQueue } from './accept-queue.js';
export { callContained } from './call-contained.js';
export { CONNECTION_OPTION_KEYS, checkConnectionOptions } from './check-connection-options.js';
export { checkReconnectPolicy, RECONNECT_POLICY_KEYS, type ReconnectPolicy } from './check-reconnect-policy.js';
export { checkServerTlsOptions } from './check-server-tls-options.js';
export { hasSubscribers, publish } from './diagnostics.js';
export { fromTransport } from './from-transport.js';
export { IdleTimer } from './idle-timer.js';
export { ListenerBase } from './listener-base.js';
export { refuseOnThrow } from './refuse-on-throw.js';
export { reportCallbackError } from './report-callback-error.js';
export { serveConnections } from './serve.js';
export { shed } from './shed.js';
export { type BindableServer, startListening } from './start-listening.js';
export type { Transport, TransportEvents } from './transport.js';
