/**
 * The error base shared by every Sluice package, and the errors `@sluice/core`
 * itself raises. `instanceof` works within one copy of Sluice; `err.code`
 * (and `instanceof SluiceError`) also across duplicate installs, and codes
 * stay stable across versions.
 *
 * @module
 */

/** Marks every error Sluice raises, whichever built-in error it extends. */
const BRAND: unique symbol = Symbol.for('sluice.error') as never;

/**
 * Base class of every error Sluice raises: a `name`, a stable `code` and an
 * optional `cause`. `err instanceof SluiceError` holds for every one of them,
 * including those that extend `TypeError` or `RangeError` (such as
 * {@link InvalidArgumentError}) and those from a duplicate install.
 *
 * @example Branching on a code
 * ```ts
 * try {
 *   for await (const frame of conn.framed(lengthPrefixed())) handle(frame);
 * } catch (err) {
 *   if (isSluiceError(err) && err.code === 'ERR_FRAME_TOO_LONG') console.warn('peer sent too much');
 *   else throw err;
 * }
 * ```
 */
export class SluiceError extends Error {
  /** `'SluiceError'`; each subclass has its own class name here, as stack traces show it. */
  override name = 'SluiceError';
  /** A stable, machine-readable code such as `ERR_FRAME_TOO_LONG`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  /** Recognises every Sluice error by its brand; subclasses keep the usual `instanceof`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the left of instanceof, a subclass or this one
    if (this !== SluiceError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}
brand(SluiceError);

/** Marks the instances of `error` as Sluice errors. */
function brand(error: abstract new (...args: never[]) => Error): void {
  Object.defineProperty(error.prototype, BRAND, { value: true });
}

/**
 * Tells whether `value` is an error with a `code` of Sluice's shape, without
 * relying on `instanceof` (which fails across duplicate installs).
 *
 * @example
 * ```ts
 * if (isSluiceError(err, 'ERR_CLOSED')) return;
 * ```
 */
export function isSluiceError(value: unknown, code?: string): value is SluiceError {
  if (!(value instanceof Error)) return false;
  const actual: unknown = (value as Error & { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}

/**
 * An operation was cancelled through an `AbortSignal`. Follows the platform's
 * convention: `name` is `'AbortError'`, `code` is `'ABORT_ERR'`, and `cause`
 * holds the signal's reason.
 *
 * @example
 * ```ts
 * const conn = await connect({ host, port, signal: AbortSignal.timeout(1000) });
 * ```
 */
export class AbortError extends SluiceError {
  /** `'AbortError'`, as stack traces show it. */
  override name = 'AbortError';

  constructor(reason?: unknown, message = 'The operation was aborted') {
    super('ABORT_ERR', message, reason === undefined ? undefined : { cause: reason });
  }
}

/**
 * A value was written to a channel, connection or stream that is already
 * closed for writing.
 *
 * @example
 * ```ts
 * ch.end();
 * await ch.push(1); // rejects with ClosedError, code 'ERR_CLOSED'
 * ```
 */
export class ClosedError extends SluiceError {
  /** `'ClosedError'`, as stack traces show it. */
  override name = 'ClosedError';

  constructor(message = 'Cannot write: the stream is closed') {
    super('ERR_CLOSED', message);
  }
}

/**
 * A bounded buffer was full and its overflow policy is `'error'`, or writes
 * nobody awaited passed their bound (`writeCapacity`, `sendCapacity`).
 *
 * @example
 * ```ts
 * const ch = channel<number>({ capacity: 1, overflow: 'error' });
 * ch.offer(1);
 * ch.offer(2); // throws OverflowError, code 'ERR_OVERFLOW'
 * ```
 */
export class OverflowError extends SluiceError {
  /** `'OverflowError'`, as stack traces show it. */
  override name = 'OverflowError';
  /** The capacity that was exceeded. */
  readonly limit: number;

  /** `message` replaces the default one, "The {what} is full: limit {limit}". */
  constructor(limit: number, what = 'buffer', message = `The ${what} is full: limit ${limit}`) {
    super('ERR_OVERFLOW', message);
    this.limit = limit;
  }
}

/**
 * Throws an {@link AbortError} carrying the signal's reason if `signal` has
 * been aborted.
 *
 * @example
 * ```ts
 * throwIfAborted(options.signal);
 * ```
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(signal.reason);
}

/**
 * An option or argument was of the wrong kind: a string where a number goes,
 * an object that is not a codec, a missing handler. A `TypeError`, and a
 * {@link SluiceError} with code `ERR_INVALID_ARG`. The message names the
 * argument, the value received and what was expected.
 *
 * @example
 * ```ts
 * lines({ delimiter: 5 }); // throws InvalidArgumentError, code 'ERR_INVALID_ARG'
 * ```
 */
export class InvalidArgumentError extends TypeError {
  /** `'InvalidArgumentError'`, as stack traces show it. */
  override name = 'InvalidArgumentError';
  /** Always `'ERR_INVALID_ARG'`. */
  readonly code = 'ERR_INVALID_ARG';

  /**
   * `message` says what was wrong: the function or option first, the value received and what was expected.
   * (Declared, so that the reference documents it here rather than in TypeScript's lib.)
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
  }
}
brand(InvalidArgumentError);

/**
 * A number was outside the range an option or argument allows (a port of
 * 70000, a negative capacity, a fraction where a count goes). A `RangeError`,
 * and a {@link SluiceError} with code `ERR_OUT_OF_RANGE`.
 *
 * @example
 * ```ts
 * map(fetchUser, { concurrency: 0 }); // throws OutOfRangeError, code 'ERR_OUT_OF_RANGE'
 * ```
 */
export class OutOfRangeError extends RangeError {
  /** `'OutOfRangeError'`, as stack traces show it. */
  override name = 'OutOfRangeError';
  /** Always `'ERR_OUT_OF_RANGE'`. */
  readonly code = 'ERR_OUT_OF_RANGE';

  /**
   * `message` says what was wrong: the function or option first, the value received and what was expected.
   * (Declared, so that the reference documents it here rather than in TypeScript's lib.)
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
  }
}
brand(OutOfRangeError);

/**
 * Something with a single consumer was consumed twice at once: a `channel`
 * iterated a second time, a connection read from two places at once, a
 * listener accepted from while `serve()` runs on it.
 *
 * @example
 * ```ts
 * const ch = channel<number>();
 * ch[Symbol.asyncIterator]();
 * ch[Symbol.asyncIterator](); // throws AlreadyConsumedError, code 'ERR_ALREADY_CONSUMED'
 * ```
 */
export class AlreadyConsumedError extends SluiceError {
  /** `'AlreadyConsumedError'`, as stack traces show it. */
  override name = 'AlreadyConsumedError';

  constructor(what = 'iterable', message?: string) {
    super(
      'ERR_ALREADY_CONSUMED',
      message ?? `Cannot iterate: this ${what} has a single consumer and is already being consumed`,
    );
  }
}
