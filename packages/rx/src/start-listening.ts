import { AbortError, type AbortOptions, checkOption, checkOptionKeys, throwIfAborted } from '@sluice/core';
import type { SocketAddress } from '@sluice/net';
import type { Observer, Subscription } from 'rxjs';
import { START_LISTENING_OPTION_KEYS } from './internal/option-keys.js';
import { reportUnhandledError } from './internal/report-unhandled-error.js';
import { type ListenSubjectOptions, listen$ } from './listen.js';
import type { SocketSubject } from './socket-subject.js';

/**
 * Options of {@link startListening}: those of {@link listen$}, and a `signal`.
 *
 * @example
 * ```ts
 * const options: StartListeningOptions<string> = { host: '127.0.0.1', port: 0, codec: lines(), signal };
 * ```
 */
export type StartListeningOptions<TIn, TOut = TIn> = ListenSubjectOptions<TIn, TOut> & AbortOptions;

/**
 * What {@link startListening} resolves with: the running subscription (unsubscribe to close the
 * listener) and the address it is bound to.
 *
 * @example
 * ```ts
 * const server: ListeningSubscription = await startListening({ host: '127.0.0.1', port: 0, codec: lines() }, echo);
 * console.log(server.address); // { host: '127.0.0.1', port: 40123, family: 'IPv4' }
 * server.unsubscribe();
 * ```
 */
export interface ListeningSubscription extends Subscription {
  /** Where the listener is bound: `{ host, port, family }` (the port picked for `port: 0`) or `{ path }`. */
  readonly address: SocketAddress;
}

/**
 * {@link listen$} subscribed, once it listens: resolves with the subscription
 * and the bound `address` (so the port picked for `port: 0` is
 * `server.address.port`), as `await listen()` does for a `Listener`.
 * Unsubscribing closes the listener and its connections, as for `listen$`.
 *
 * `observer` gets each accepted connection's subject (a function is its
 * `next`), and, once listening, a failure of the listener (`error`); one of its
 * callbacks that throws is reported (RxJS's `config.onUnhandledError`, else
 * `console.error`), never thrown. Before the listener is bound, a failure (a
 * port in use, a bad option, an `onListening` that throws) rejects instead,
 * and nothing is left open.
 *
 * @example An echo server on a free port, and a client
 * ```ts
 * import { lines } from '@sluice/codec';
 * import { socket$, startListening } from '@sluice/rx';
 * import { lastValueFrom, toArray } from 'rxjs';
 *
 * const server = await startListening({ host: '127.0.0.1', port: 0, codec: lines() }, (sock) => sock.subscribe(sock));
 * const client = socket$({ ...server.address, codec: lines() });
 * const replies = lastValueFrom(client.pipe(toArray()));
 * client.next('hello');
 * client.complete();
 * console.log(await replies); // ['hello']
 * server.unsubscribe(); // closes the listener
 * ```
 *
 * @param options `listen$`'s options, and a `signal`: aborting before the
 * listener is bound rejects with an `AbortError` and closes it; afterwards it
 * unsubscribes.
 * @param observer What to do with each accepted connection's subject.
 * @returns The running subscription, with `address`: `{ host, port, family }` or `{ path }`.
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG` (rejected) for what `listen$` refuses, an unknown
 * option, a `signal` that is no `AbortSignal`, or an `observer` that is neither a function nor an object.
 * @see {@link listen$} for the Observable itself.
 */
export async function startListening<TIn, TOut = TIn>(
  options: StartListeningOptions<TIn, TOut>,
  observer?: Partial<Observer<SocketSubject<TIn, TOut>>> | ((sock: SocketSubject<TIn, TOut>) => void) | undefined,
): Promise<ListeningSubscription> {
  checkOption('startListening(): options', options, 'object', { required: true });
  checkOptionKeys('startListening()', options, START_LISTENING_OPTION_KEYS);
  if (typeof observer !== 'function') checkOption('startListening(): observer', observer, 'object');
  const { signal, onListening, ...listenOptions } = options;
  checkOption('startListening(): signal', signal, 'signal');
  throwIfAborted(signal);
  const target: Partial<Observer<SocketSubject<TIn, TOut>>> =
    typeof observer === 'function' ? { next: observer } : (observer ?? {});
  const call = (name: 'next' | 'error' | 'complete', value?: unknown) => {
    try {
      (target[name] as ((value?: unknown) => void) | undefined)?.call(target, value);
    } catch (error) {
      reportUnhandledError(`startListening(): observer.${name}`, error);
    }
  };

  return new Promise((resolve, reject) => {
    let address: SocketAddress | undefined;
    const subscription: Subscription = listen$<TIn, TOut>({
      ...listenOptions,
      onListening: (bound) => {
        onListening?.(bound);
        address = bound;
        resolve(Object.assign(subscription, { address: bound }));
      },
    }).subscribe({
      next: (sock) => call('next', sock),
      error: (error: unknown) => {
        if (address === undefined) reject(error);
        else if (target.error === undefined) reportUnhandledError('startListening(): the listener', error);
        else call('error', error);
      },
      complete: () => call('complete'),
    });
    if (signal === undefined) return;
    const abort = () => {
      subscription.unsubscribe();
      if (address === undefined) reject(new AbortError(signal.reason));
    };
    signal.addEventListener('abort', abort, { once: true });
    subscription.add(() => signal.removeEventListener('abort', abort));
  });
}
