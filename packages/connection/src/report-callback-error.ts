/**
 * Reports an error thrown by a callback you gave Sluice where nobody waits for
 * it: `onClientError`, an observer of a subject, and other callbacks called
 * from an event or a timer, where a throw would otherwise end the process as
 * an uncaught exception. The rule, in every package: a callback that throws
 * is contained. Where a caller waits (a pipeline, a subscriber), the error
 * goes there; where the API has an `onError`, to it; otherwise here, which
 * writes it with `console.error`, prefixed with `sluice:` and the callback's
 * name. The library carries on. Never throws. For transports and listeners
 * that call their users' callbacks.
 *
 * @example
 * ```ts
 * try {
 *   options.onClientError?.(failure);
 * } catch (error) {
 *   reportCallbackError('listen(): onClientError', error);
 * }
 * ```
 *
 * @param callback Which callback threw, as the user knows it: `'listen(): onClientError'`.
 * @param error What it threw.
 */
export function reportCallbackError(callback: string, error: unknown): void {
  try {
    console.error(`sluice: ${callback} threw (contained; carrying on)`, error);
  } catch {
    // A console that throws has nowhere left to report to.
  }
}
