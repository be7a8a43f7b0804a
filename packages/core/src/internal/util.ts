/**
 * Small shared pieces for the hand-written iterators. Not exported from the
 * package.
 */

/** A settled promise to hand out when there is nothing to wait for. */
export const RESOLVED: Promise<void> = Promise.resolve();

/** Does nothing; used to discard a promise's outcome on purpose. */
export const noop = (): void => {};

/** A fresh "finished" iterator result (never shared: callers may mutate results). */
export function done<T>(value?: T): IteratorReturnResult<T> {
  return { done: true, value: value as T };
}

/** Tells whether `value` is a thenable, without touching `then` twice. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Describes a value for an error message: short, quoted when a string. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
