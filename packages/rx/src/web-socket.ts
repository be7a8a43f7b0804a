import { checkOption, checkOptionKeys } from '@sluice/core';
import { connect, type WebSocketConnectOptions } from '@sluice/ws';
import { WEB_SOCKET_SUBJECT_OPTION_KEYS } from './internal/option-keys.js';
import { checkSubjectConfig } from './internal/options.js';
import { checkReconnect } from './internal/reconnect-loop.js';
import type { SocketReconnectOptions } from './socket-reconnect-options.js';
import { SocketSubject } from './socket-subject.js';
import type { SocketSubjectConfig } from './socket-subject-config.js';

/**
 * Options of {@link webSocket$}: the `url`, what `connect()` of `@sluice/ws`
 * takes (but `signal`: unsubscribing cancels), and the subject's codec and
 * outgoing buffer.
 *
 * @example
 * ```ts
 * const options: WebSocketSubjectOptions<Quote> = { url: 'wss://quotes.example/live', codec: json({ framing: messages() }) };
 * ```
 */
export type WebSocketSubjectOptions<TIn, TOut = TIn> = Omit<WebSocketConnectOptions, 'signal'> &
  SocketSubjectConfig<TIn, TOut> & {
    /** Where to connect: `ws:` or `wss:`. */
    url: string | URL;
    /**
     * Reconnect with backoff when the socket closes or fails, instead of
     * completing or erroring: `true` for the defaults, or the policy
     * ({@link SocketReconnectOptions}); as {@link socket$}'s `reconnect`.
     * @default undefined (one socket per subscription)
     */
    reconnect?: boolean | SocketReconnectOptions | undefined;
  };

/**
 * A WebSocket as a {@link SocketSubject}, in Node and in browsers: what
 * RxJS's `webSocket` subject does, with what its users ask for. Frames go
 * through any codec (`json({ framing: messages() })` for one JSON value per
 * message, binary codecs too). Before the socket opens, frames wait in a
 * bounded buffer (`capacity`, under a named `overflow` policy), not an
 * unbounded `ReplaySubject`. `retry()` reconnects and runs `openObserver`
 * again. Unsubscribing while connecting leaves no socket behind. A close
 * other than normal is an error notification with the close code
 * (`WebSocketCloseError`).
 *
 * With `reconnect`, a close (clean or not) or a failed open leads to a new
 * socket after a backoff, under the same subscription, exactly as
 * {@link socket$}'s `reconnect` (what ends it, and what `next()` delivers:
 * at most once). `openObserver` runs on every (re)open with the new
 * connection, `closeObserver` on every close.
 *
 * @example Reconnecting by itself
 * ```ts
 * const live = webSocket$<Event, Command>({
 *   url: 'wss://example.com/live',
 *   codec: json({ framing: messages() }),
 *   reconnect: { maxDelay: 10_000 },
 *   openObserver: { next: () => live.next({ subscribe: 'prices' }) }, // after every reconnection too
 * });
 * live.subscribe(render);
 * ```
 *
 * @example Reconnecting, with a greeting on every (re)connection
 * ```ts
 * const live = webSocket$<Event, Command>({
 *   url: 'wss://example.com/live',
 *   codec: json({ framing: messages() }),
 *   openObserver: { next: () => live.next({ subscribe: 'prices' }) },
 * });
 * live.pipe(retry({ delay: 1000 })).subscribe(render);
 * ```
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` for options of the wrong kind (a missing `url` or codec).
 * @throws {OutOfRangeError} `ERR_OUT_OF_RANGE` for a `reconnect` setting out of its range.
 */
export function webSocket$<TIn, TOut = TIn>(options: WebSocketSubjectOptions<TIn, TOut>): SocketSubject<TIn, TOut> {
  checkOption('webSocket$(): options', options, 'object', { required: true });
  checkOptionKeys('webSocket$()', options, WEB_SOCKET_SUBJECT_OPTION_KEYS);
  checkSubjectConfig('webSocket$()', options);
  const policy = checkReconnect('webSocket$()', options.reconnect);
  const { reconnect: _, url, codec, capacity, overflow, openObserver, closeObserver, ...connectOptions } = options;
  // A URL (or URL-like object) by its href; any other value as it is, so that the message names it.
  const href = typeof url === 'object' && url !== null ? (url as { href?: unknown }).href : undefined;
  checkOption('webSocket$(): url', typeof href === 'string' ? href : url, 'string', { required: true });
  return new SocketSubject<TIn, TOut>(
    (signal) => connect(url, { writeCapacity: Infinity, ...connectOptions, signal }),
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
