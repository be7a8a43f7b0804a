import { ClosedError, checkOption, checkOptionKeys } from '@sluice/core';
import { type Connection, type ListenOptions, listen, type SocketAddress } from '@sluice/net';
import { Observable } from 'rxjs';
import { enders } from './internal/enders.js';
import { LISTEN_SUBJECT_OPTION_KEYS } from './internal/option-keys.js';
import { checkSubjectConfig } from './internal/options.js';
import { reportUnhandledError } from './internal/report-unhandled-error.js';
import { observe } from './observe.js';
import { SocketSubject } from './socket-subject.js';
import type { SocketSubjectConfig } from './socket-subject-config.js';

/**
 * Options of {@link listen$}: where to listen (every `listen()` option but
 * `signal`: unsubscribing is the way to stop), the codec, outgoing buffer and
 * `closeObserver` of each accepted connection's subject, and `onListening`.
 *
 * @example
 * ```ts
 * const options: ListenSubjectOptions<string> = { host: '0.0.0.0', port: 7000, codec: lines(), maxConnections: 100 };
 * ```
 */
export type ListenSubjectOptions<TIn, TOut = TIn> = Omit<ListenOptions, 'signal'> &
  Omit<SocketSubjectConfig<TIn, TOut>, 'openObserver'> & {
    /**
     * Called once the listener is bound, with its address: the way to learn
     * the port picked for `port: 0`. An error it throws becomes the error
     * notification.
     * @default undefined
     */
    onListening?: ((address: SocketAddress) => void) | undefined;
  };

/**
 * A server as an Observable of {@link SocketSubject}s, one per accepted
 * connection. Subscribing binds the listener; each subject it emits wraps a
 * connection that is already up (subscribe to it to read, call `next()` to
 * write), so an echo server is one line:
 *
 * ```ts
 * listen$({ port: 7000, codec: lines() }).subscribe((sock) => sock.subscribe(sock));
 * ```
 *
 * Teardown: unsubscribing (or an error) closes the listener and, gracefully,
 * every connection it accepted that is still open, subscribed to or not; the
 * subjects' subscribers then complete. A subject that is never subscribed
 * keeps its connection open (unread) until then, so subscribe to each one
 * promptly or not at all. A subject's connection also closes when its last
 * subscriber leaves; it cannot reconnect: subscribing again after its end
 * errors with `ERR_CLOSED`. A client that stops reading cannot take the
 * server down: a close that `closeTimeout` cuts off with frames unsent is
 * recorded on that connection (`conn.error`, the `closeObserver`'s event,
 * the `sluice:connection:close` diagnostics message), never thrown.
 *
 * To learn the bound address (with `port: 0`), pass `onListening`, or
 * subscribe with {@link startListening}, which resolves with it.
 *
 * @example An upper-casing line server on a free port
 * ```ts
 * import { lines } from '@sluice/codec';
 * import { listen$ } from '@sluice/rx';
 * import { map } from 'rxjs';
 *
 * const server = listen$({
 *   host: '127.0.0.1',
 *   port: 0,
 *   codec: lines(),
 *   onListening: (address) => console.log('listening on', address),
 * }).subscribe((sock) => sock.pipe(map((line) => line.toUpperCase())).subscribe(sock));
 * // later: server.unsubscribe() closes the listener and its connections
 * ```
 *
 * @param options Where to listen, the codec, and each subject's outgoing buffer.
 * @returns A cold Observable: each subscription runs its own listener.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `options` is not an
 * object, `codec` is not a codec, or `overflow`, `closeObserver` or
 * `onListening` is of the wrong kind.
 * @throws {OutOfRangeError} `ERR_OUT_OF_RANGE` if `capacity` is not an
 * integer of at least 0. The listener's options (`port`, `host`,
 * `maxConnections`, …) are checked by `listen()` on each subscription: a bad
 * one becomes the error notification.
 * @see {@link socket$} for the client side.
 */
export function listen$<TIn, TOut = TIn>(
  options: ListenSubjectOptions<TIn, TOut>,
): Observable<SocketSubject<TIn, TOut>> {
  checkOption('listen$(): options', options, 'object', { required: true });
  checkOptionKeys('listen$()', options, LISTEN_SUBJECT_OPTION_KEYS);
  const { codec, capacity, overflow, closeObserver, onListening, ...listenOptions } = options;
  const config = { codec, capacity, overflow, closeObserver };
  checkSubjectConfig('listen$()', config);
  checkOption('listen$(): onListening', onListening, 'function');
  return new Observable<SocketSubject<TIn, TOut>>((subscriber) => {
    const stop = new AbortController();
    const open = new Map<Connection, SocketSubject<TIn, TOut>>();
    const accepting = listen({ writeCapacity: Infinity, ...listenOptions, signal: stop.signal }).then((listener) => {
      if (subscriber.closed) return void listener.close();
      try {
        onListening?.(listener.address);
      } catch (error) {
        void listener.close();
        throw error;
      }
      return observe(listener).subscribe({
        next(conn) {
          const subject = new SocketSubject<TIn, TOut>(handOver(conn), config);
          open.set(conn, subject);
          void conn.closed.then(() => open.delete(conn));
          subscriber.next(subject);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
    accepting.then(
      (acceptor) => acceptor !== undefined && subscriber.add(acceptor),
      (error: unknown) => subscriber.error(error),
    );
    return () => {
      stop.abort();
      // A subject in use completes its subscribers, flushes and closes; the others are closed here.
      for (const [conn, subject] of open)
        if (enders.get(subject)?.() !== true)
          conn.close().catch((error: unknown) => reportUnhandledError("the connection's close()", error));
    };
  });
}

/** Hands `conn` to the first subscription only: an accepted connection cannot be dialled again. */
function handOver(conn: Connection): () => Connection {
  let left: Connection | undefined = conn;
  return () => {
    const handed = left;
    left = undefined;
    if (handed === undefined) {
      throw new ClosedError(
        'Cannot subscribe: this accepted connection has ended, and a server-side subject cannot reconnect',
      );
    }
    return handed;
  };
}
