import { reportCallbackError } from './report-callback-error.js';

/**
 * Calls a callback a user gave, whose result nobody waits for (`onClientError`,
 * `onError`), from an event or a timer, where a throw would end the process
 * as an uncaught exception. A throw, or a promise it returns that rejects (an
 * `async` callback), goes to `onFailure`, by default
 * {@link reportCallbackError}. Never throws. For transports and listeners.
 *
 * @param callback Which callback it is, as the user knows it: `'listen(): onClientError'`.
 * @param fn The callback, or `undefined` when none was given.
 * @param args What to call it with.
 * @param onFailure Where its failure goes.
 *
 * @example
 * ```ts
 * callContained('listen(): onClientError', options.onClientError, [failure]);
 * ```
 */
export function callContained<A extends unknown[]>(
  callback: string,
  fn: ((...args: A) => unknown) | undefined,
  args: A,
  onFailure: (error: unknown) => void = (error) => reportCallbackError(callback, error),
): void {
  if (fn === undefined) return;
  try {
    const result = fn(...args);
    if (isThenable(result)) result.then(undefined, onFailure);
  } catch (error) {
    onFailure(error);
  }
}

/** Whether `value` is a promise or promise-like (what an `async` function returns). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
