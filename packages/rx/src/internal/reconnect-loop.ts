import { type Connection, reconnecting } from '@sluice/connection';
import { checkReconnectPolicy, RECONNECT_POLICY_KEYS } from '@sluice/connection/transport';
import { checkOption, checkOptionKeys, isSluiceError } from '@sluice/core';
import { Observable, type Observer, type Subscription, share } from 'rxjs';
import type { SocketReconnectOptions } from '../socket-reconnect-options.js';
import { Session, type SessionOwner } from './session.js';

/**
 * @internal Checks the `reconnect` option of `where` (`'socket$()'`):
 * `true` for the defaults, an object of `reconnecting()`'s policy, or
 * `false`/`undefined` for none. Returns the policy, or `undefined`.
 */
export function checkReconnect(where: string, reconnect: unknown): SocketReconnectOptions | undefined {
  if (reconnect === undefined || reconnect === false) return undefined;
  if (reconnect === true) return {};
  checkOption(`${where}: reconnect`, reconnect, 'object');
  checkOptionKeys(`${where}: reconnect`, reconnect, RECONNECT_POLICY_KEYS);
  checkReconnectPolicy(`${where}: reconnect.`, reconnect as SocketReconnectOptions);
  return reconnect as SocketReconnectOptions;
}

/** @internal What the reconnect loop needs from its subject. */
export interface ReconnectHost<TIn, TOut> {
  readonly owner: SessionOwner<TIn, TOut>;
  readonly policy: SocketReconnectOptions;
  /** The connection's session frames given to `next()` go to, or `undefined` between connections. */
  setSession(session: Session<TIn, TOut> | undefined): void;
  /** Ends the loop with an error of the subject's own (its `error()`, an overflow), or `undefined` once it ended. */
  setStop(stop: ((error: unknown) => void) | undefined): void;
  /** An overflow left for the next connection, taken. */
  takeLatched(): { error: unknown } | undefined;
  /** `complete()` was called: the connection that ends next is the last. */
  completed(): boolean;
}

/**
 * @internal The incoming frames of a reconnecting subject: `reconnecting()`
 * gives one connection after another (with its backoff), each run as a
 * {@link Session}; its frames flow into one shared Observable. A connection
 * that ends or fails brings the next; the subject's own errors (its
 * `error()`, an overflow, a throwing `openObserver`) and the client's
 * (`ERR_RECONNECT_FAILED`) are the Observable's error; unsubscribing ends
 * the client, stopping a backoff wait at once.
 */
export function reconnectLoop<TIn, TOut>(host: ReconnectHost<TIn, TOut>): Observable<TIn> {
  return new Observable<TIn>((subscriber) => {
    const { owner } = host;
    const client = reconnecting((signal) => Promise.resolve().then(() => owner.dial(signal)), host.policy);
    const sessions = client[Symbol.asyncIterator]();
    let fatal: { error: unknown } | undefined;
    let session: Session<TIn, TOut> | undefined;
    let current: Subscription | undefined;
    host.setStop((error) => {
      fatal ??= { error };
      if (session !== undefined && !session.incomingDone) session.fail(error);
      else subscriber.error(error);
    });
    const user = owner.openObserver;
    const openObserver: Partial<Observer<Connection>> | undefined = user && {
      next: (conn) => {
        try {
          user.next?.(conn);
        } catch (error) {
          fatal ??= { error }; // told to the subscribers, not retried
          throw error;
        }
      },
    };
    const step = (): void => {
      sessions.next().then(
        (result) => {
          if (subscriber.closed) return;
          if (result.done === true) return subscriber.complete();
          const conn = result.value;
          const next = new Session<TIn, TOut>({ ...owner, openObserver, dial: () => conn });
          session = next;
          host.setSession(next);
          current = new Observable<TIn>((inner) => next.subscribe(inner)).subscribe({
            next: (frame) => subscriber.next(frame),
            error: (error: unknown) => {
              const last = fatal !== undefined || host.completed() || isSluiceError(error, 'ERR_OVERFLOW');
              if (last) subscriber.error(error);
              else step();
            },
            complete: () => (host.completed() ? subscriber.complete() : step()),
          });
          next.start(host.takeLatched());
        },
        (error: unknown) => subscriber.error(error),
      );
    };
    step();
    return () => {
      host.setStop(undefined);
      current?.unsubscribe();
      void client.close();
    };
  }).pipe(share());
}
