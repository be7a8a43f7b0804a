import { checkOption, checkOptionKeys } from '@sluice/core';
import { type ConnectOptions, connect } from '@sluice/net';
import { SOCKET_OPTION_KEYS } from './internal/option-keys.js';
import { checkSubjectConfig } from './internal/options.js';
import { checkReconnect } from './internal/reconnect-loop.js';
import type { SocketReconnectOptions } from './socket-reconnect-options.js';
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
export type SocketOptions<TIn, TOut = TIn> = Omit<ConnectOptions, 'signal'> &
  SocketSubjectConfig<TIn, TOut> & {
    /**
     * Reconnect with backoff when a connection ends or fails, instead of
     * completing or erroring: `true` for the defaults, or the policy
     * ({@link SocketReconnectOptions}). See {@link socket$}.
     * @default undefined (one connection per subscription)
     */
    reconnect?: boolean | SocketReconnectOptions | undefined;
  };

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
 * With `reconnect`, the subscription outlives connections: when one ends
 * (the peer closes, a reset, a decode error) or cannot be made, the
 * subject connects again after a backoff (`reconnecting()`'s policy, from
 * `@sluice/connection`) and the frames of every connection flow to the
 * same subscribers; `openObserver` is told of each new connection and
 * `closeObserver` of each close. It ends when every subscriber has left
 * (a backoff wait stops at once), when the connection half-closed by
 * `complete()` ends (completing), or with an error: `ERR_RECONNECT_FAILED`
 * once `attempts` connection attempts in a row have failed (its `cause`
 * is the last failure), the subject's own `error(e)`, an `ERR_OVERFLOW`, a
 * throwing `openObserver`, or a bad connect option (`ERR_INVALID_ARG`).
 * What `next()` sends is delivered at most once: a frame given while
 * connected belongs to that connection and is lost if it dies; a frame
 * given between connections waits in the same bounded buffer as before the
 * first one (`capacity`, `overflow`) and goes to the next connection.
 * Nothing is sent twice.
 *
 * @example Reconnecting by itself, greeting every connection
 * ```ts
 * const feed = socket$<string>({
 *   host: '127.0.0.1',
 *   port: 7000,
 *   codec: lines(),
 *   reconnect: { initialDelay: 250, maxDelay: 10_000, onRetry: ({ delay }) => console.warn(`retrying in ${delay} ms`) },
 *   openObserver: { next: () => feed.next('hello') },
 * });
 * const subscription = feed.subscribe((line) => console.log(line)); // frames of every connection
 * // later: subscription.unsubscribe() ends it, even during a backoff wait
 * ```
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
 * `closeObserver` is of the wrong kind, or `reconnect` is not a boolean or
 * an object of the policy's keys.
 * @throws {OutOfRangeError} `ERR_OUT_OF_RANGE` if `capacity` is not an
 * integer of at least 0, or a `reconnect` setting is out of its range. The connection's options (`port`, `host`,
 * `timeout`, …) are checked by `connect()` on each subscription: a bad one
 * becomes the error notification.
 * @see {@link listen$} for the server side.
 */
export function socket$<TIn, TOut = TIn>(options: SocketOptions<TIn, TOut>): SocketSubject<TIn, TOut> {
  checkOption('socket$(): options', options, 'object', { required: true });
  checkOptionKeys('socket$()', options, SOCKET_OPTION_KEYS);
  checkSubjectConfig('socket$()', options);
  const policy = checkReconnect('socket$()', options.reconnect);
  const { reconnect: _, codec, capacity, overflow, openObserver, closeObserver, ...connectOptions } = options;
  return new SocketSubject<TIn, TOut>(
    (signal) => connect({ writeCapacity: Infinity, ...connectOptions, signal }),
    {
      codec,
      capacity,
      overflow,
      openObserver,
      closeObserver,
    },
    policy,
  );
}
