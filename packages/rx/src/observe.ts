import { checkOption, pipe, type TakeNow, takeNow } from '@sluice/core';
import { Observable } from 'rxjs';
import { reportUnhandledError } from './internal/report-unhandled-error.js';

/**
 * Turns an async iterable (a connection, a `framed()` stream, a listener, a
 * channel, an async generator) into a cold Observable.
 *
 * Each subscription starts its own iteration: a tight loop that awaits
 * `iterator.next()` and hands each value to the subscriber, with no extra
 * promise layer per value. The iterable's end completes the subscriber; a
 * rejected `next()` becomes the error notification.
 *
 * Unsubscribing calls the iterator's `return()` at once, even while a
 * `next()` is still waiting. This is the difference from RxJS's
 * `from(asyncIterable)`, which only notices the unsubscription when the next
 * value arrives: over a quiet socket that can be never. For a Sluice
 * `Connection` or `Framed`, `return()` closes the connection, so the peer sees
 * the end immediately. Whatever the pending `next()` settles with afterwards
 * is ignored. A `return()` that rejects after unsubscription has nobody to
 * tell and is never thrown: it goes to RxJS's `config.onUnhandledError` when
 * set, otherwise to `console.error`. One exception: a Sluice connection's
 * close cut off by its `closeTimeout` (`ERR_CLOSE_TIMEOUT`, a peer that
 * stopped reading) is only recorded on the connection (`conn.error`, the
 * `sluice:connection:close` diagnostics message).
 *
 * @example Log the lines of a connection until a stop line
 * ```ts
 * import { lines } from '@sluice/codec';
 * import { connect } from '@sluice/net';
 * import { observe } from '@sluice/rx';
 * import { takeWhile } from 'rxjs';
 *
 * const conn = await connect({ host: '127.0.0.1', port: 7000 });
 * observe(conn.framed(lines()))
 *   .pipe(takeWhile((line) => line !== 'stop'))
 *   .subscribe((line) => console.log(line)); // the connection closes at 'stop'
 * ```
 *
 * @param source The async iterable to read; iterated once per subscription.
 * A sync iterable (an array) is read the same way.
 * @returns An Observable of the iterable's values.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` if `source` is not
 * iterable (a promise, a plain object, `undefined`).
 * @see {@link toAsyncIterable} for the way back.
 */
export function observe<T>(source: AsyncIterable<T>): Observable<T> {
  checkOption('observe(): source', source, 'iterable', { required: true });
  // A sync iterable (an array) is adapted once, as `pipe()` adapts its source.
  const iterable: AsyncIterable<T> =
    typeof source[Symbol.asyncIterator] === 'function' ? source : pipe(() => source as unknown as Iterable<T>);
  return new Observable<T>((subscriber) => {
    const iterator = iterable[Symbol.asyncIterator]();
    // Values already at hand (the frames of a chunk received) are emitted without a promise each.
    const now = (iterator as Partial<TakeNow<T>>)[takeNow]?.bind(iterator);
    let running = true;

    const run = async (): Promise<void> => {
      try {
        for (;;) {
          const result = now?.() ?? (await iterator.next());
          if (subscriber.closed) return;
          if (result.done === true) {
            running = false;
            subscriber.complete();
            return;
          }
          subscriber.next(result.value);
          if (subscriber.closed) return;
        }
      } catch (error) {
        running = false;
        if (!subscriber.closed) subscriber.error(error);
      }
    };
    void run();

    return () => {
      if (!running) return;
      running = false;
      const stop = iterator.return;
      if (stop === undefined) return;
      const failed = (error: unknown) => reportUnhandledError("observe(): the source iterator's return()", error);
      try {
        stop.call(iterator).then(undefined, failed);
      } catch (error) {
        failed(error);
      }
    };
  });
}
