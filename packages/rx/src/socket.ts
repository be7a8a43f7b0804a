import { checkOption, checkOptionKeys } from '@sluice/core';
import { type ConnectOptions, connect } from '@sluice/net';
import { SOCKET_OPTION_KEYS } from './internal/option-keys.js';
import { checkSubjectConfig } from './internal/options.js';
import { SocketSubject } from './socket-subject.js';
import type { SocketSubjectConfig } from './socket-subject-config.js';

/**
 * Options of {@link socket$}: where to connect (every `connect()` option but
 * `signal`: unsubscribing is the way to cancel) and the subject's codec and
 * outgoing buffer ({@link SocketSubjectConfig}).
 *
 * @example
 * ```ts
 * const options: SocketOptions<string> = { host: '127.0.0.1', port: 7000, timeout: 2000, codec: lines() };
 * ```
 */
export type SocketOptions<TIn, TOut = TIn> = Omit<ConnectOptions, 'signal'> & SocketSubjectConfig<TIn, TOut>;

/**
 * A client connection as a {@link SocketSubject}: subscribe to receive
 * frames, call `next()` to send them. Nothing happens until the first
 * subscription, which connects; every connection is shared by the
 * subscribers present while it lives, and closes when the last one leaves.
 * After the connection ends, subscribing again reconnects, which is what
 * makes `retry()` and `repeat()` work.
 *
 * Frames given to `next()` before the connection is up wait (at most
 * `capacity` of them, under the `overflow` policy) and are sent once it is;
 * `complete()` half-closes after sending them.
 *
 * @example A resilient subscription: reconnect with a delay after errors
 * ```ts
 * import { json } from '@sluice/codec';
 * import { socket$ } from '@sluice/rx';
 * import { retry } from 'rxjs';
 *
 * type Quote = { symbol: string; price: number };
 * type Command = { subscribe: string[] };
 *
 * const feed = socket$<Quote, Command>({
 *   host: 'quotes.internal',
 *   port: 9000,
 *   codec: json(),
 *   openObserver: { next: () => feed.next({ subscribe: ['ACME'] }) },
 * });
 * feed.pipe(retry({ delay: 1000 })).subscribe((quote) => console.log(quote));
 * ```
 *
 * @param options Where to connect, the codec, and the outgoing buffer.
 * @returns A cold, reconnecting subject.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `options` is not an
 * object, `codec` is not a codec, or `overflow`, `openObserver` or
 * `closeObserver` is of the wrong kind.
 * @throws {OutOfRangeError} `ERR_OUT_OF_RANGE` if `capacity` is not an
 * integer of at least 0. The connection's options (`port`, `host`,
 * `timeout`, …) are checked by `connect()` on each subscription: a bad one
 * becomes the error notification.
 * @see {@link listen$} for the server side.
 */
export function socket$<TIn, TOut = TIn>(options: SocketOptions<TIn, TOut>): SocketSubject<TIn, TOut> {
  checkOption('socket$(): options', options, 'object', { required: true });
  checkOptionKeys('socket$()', options, SOCKET_OPTION_KEYS);
  checkSubjectConfig('socket$()', options);
  const { codec, capacity, overflow, openObserver, closeObserver, ...connectOptions } = options;
  return new SocketSubject<TIn, TOut>((signal) => connect({ ...connectOptions, signal }), {
    codec,
    capacity,
    overflow,
    openObserver,
    closeObserver,
  });
}
