/**
 * `@sluice/rx`: Sluice sockets and codecs as RxJS 7 Observables.
 *
 * - {@link observe}: any async iterable (a connection, a `framed()` stream, a
 *   listener) as an Observable whose unsubscription stops the iteration at
 *   once, even while it waits for data.
 * - {@link toAsyncIterable}: an Observable read with `for await`, through a
 *   bounded buffer with a named overflow policy.
 * - {@link decodeWith} / {@link encodeWith}: codecs as operators, between
 *   byte chunks and frames.
 * - {@link socket$}: a client connection as a {@link SocketSubject}, an
 *   Observable of incoming frames and an Observer of outgoing ones, which
 *   connects lazily, shares one connection among subscribers, respects
 *   backpressure with a bounded buffer, and reconnects under `retry`/`repeat`.
 * - {@link listen$}: a server as an Observable of socket subjects.
 * - {@link startListening}: `listen$` subscribed, resolved once bound with its
 *   `address` (the port picked for `port: 0`).
 *
 * Every buffer is bounded and names its overflow policy
 * ({@link PushOverflowPolicy}); overflows under `'error'` carry the code
 * `ERR_OVERFLOW`. Unsubscribing always releases sockets and listeners.
 *
 * @example An echo server and a client, observables only
 * ```ts
 * import { lines } from '@sluice/codec';
 * import { socket$, startListening } from '@sluice/rx';
 * import { lastValueFrom, toArray } from 'rxjs';
 *
 * // listen$ subscribed as an echo server, once it listens on a free port
 * const server = await startListening({ host: '127.0.0.1', port: 0, codec: lines() }, (sock) => sock.subscribe(sock));
 *
 * const client = socket$({ ...server.address, codec: lines() });
 * const replies = lastValueFrom(client.pipe(toArray()));
 * client.next('hello');
 * client.next('world');
 * client.complete(); // half-close: the server echoes, then ends
 * console.log(await replies); // ['hello', 'world']
 * server.unsubscribe(); // closes the listener
 * ```
 *
 * @module @sluice/rx
 */

export { decodeWith } from './decode-with.js';
export { encodeWith } from './encode-with.js';
export { type ListenSubjectOptions, listen$ } from './listen.js';
export { observe } from './observe.js';
export type { PushOverflowPolicy } from './push-overflow-policy.js';
export { type SocketOptions, socket$ } from './socket.js';
export type { SocketCloseEvent } from './socket-close-event.js';
export type { SocketReconnectOptions } from './socket-reconnect-options.js';
export { SocketSubject } from './socket-subject.js';
export type { SocketSubjectConfig } from './socket-subject-config.js';
export { type ListeningSubscription, type StartListeningOptions, startListening } from './start-listening.js';
export { type ToAsyncIterableOptions, toAsyncIterable } from './to-async-iterable.js';
export { type WebSocketSubjectOptions, webSocket$ } from './web-socket.js';
