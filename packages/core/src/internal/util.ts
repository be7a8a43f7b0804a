/**
 * Small shared pieces for the hand-written iterators. Not exported from the
 * package.
 */

/** A settled promise to hand out when there is nothing to wait for. */
export const RESOLVED: Promise<void> = Promise.resolve();

/** The longest delay `setTimeout` can wait (about 24.8 days); a longer one fires at once. */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/** The keys of `AbortOptions`, for `checkOptionKeys`. */
export const ABORT_OPTION_KEYS: readonly string[] = ['signal'];

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

/**
 * A value as an error message shows it: strings quoted, numbers as they are,
 * objects by their kind (`a Uint8ArrayList`). Never throws, whatever the value.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return 'an array';
  const name: unknown = Object.getPrototypeOf(value)?.constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? withArticle(name) : 'an object';
}

/** `name` after the article it takes: `a Set`, `an ArrayBuffer`. */
export function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}
