import { closestName } from './closest-name.js';
import { InvalidArgumentError, OutOfRangeError } from './errors.js';
import { describeValue, MAX_TIMEOUT } from './internal/util.js';

/**
 * What {@link checkOption} accepts:
 * - `'boolean'`, `'string'` (not empty), `'function'`, `'object'` (not null,
 *   not an array), `'signal'` (an `AbortSignal`), `'iterable'` (sync or
 *   async), `'codec'` (an object with `decoder()` and `encoder()`), `'bytes'`
 *   (a `Uint8Array`), `'timeout'` (every time option: whole milliseconds
 *   from 0 to 2^31 - 1, the longest `setTimeout` waits, or `Infinity` for
 *   no limit);
 * - `{ integer: [min, max] }`: a safe integer in the range (`max` defaults to
 *   `Number.MAX_SAFE_INTEGER`; a `max` of `Infinity` also admits `Infinity`);
 * - `{ oneOf: [...] }`: one of the listed values.
 */
export type OptionKind =
  | 'boolean'
  | 'string'
  | 'function'
  | 'object'
  | 'signal'
  | 'iterable'
  | 'codec'
  | 'bytes'
  | 'timeout'
  | {
      /** The range: `[min]` or `[min, max]`. */
      readonly integer: readonly [min: number, max?: number];
    }
  | {
      /** The values accepted, matched as `Array.prototype.includes()` matches. */
      readonly oneOf: readonly unknown[];
    };

/**
 * Checks one option or argument, the way every Sluice function checks its
 * own: a value of the wrong kind throws an {@link InvalidArgumentError}
 * (`ERR_INVALID_ARG`, a `TypeError`), a number out of range an
 * {@link OutOfRangeError} (`ERR_OUT_OF_RANGE`, a `RangeError`). `undefined`
 * passes unless `required`. For custom codecs and transports that want the
 * same errors for their own options.
 *
 * @param label What is checked, as the message should name it: `'listen(): port'`.
 *
 * @example
 * ```ts
 * export function fixedSize(size: number): Codec<Uint8Array> {
 *   checkOption('fixedSize(): size', size, { integer: [1, 65536] }, { required: true });
 *   // …
 * }
 * ```
 */
export function checkOption(
  label: string,
  value: unknown,
  kind: OptionKind,
  options?: { readonly required?: boolean | undefined },
): void {
  if (options !== undefined) checkOptionKeys('checkOption()', options, CHECK_OPTION_KEYS);
  if (value === undefined && options?.required !== true) return;
  if (kind === 'timeout') return checkTimeout(label, value);
  if (typeof kind === 'object' && 'integer' in kind) return checkInteger(label, value, kind.integer);
  if (typeof kind === 'object') {
    if (kind.oneOf.includes(value)) return;
    throw new InvalidArgumentError(
      `${label} must be ${kind.oneOf.map(describeValue).join(' or ')}, got ${describeValue(value)}`,
    );
  }
  if (!IS[kind](value))
    throw new InvalidArgumentError(`${label} must be ${EXPECTED[kind]}, got ${describeValue(value)}`);
}

/**
 * Refuses an options object's keys that the function does not know, so that
 * a misspelt or renamed option (`maxLength` for `maxFrameLength`) cannot be
 * silently ignored: throws an {@link InvalidArgumentError} (`ERR_INVALID_ARG`)
 * naming the closest known key, or listing them all when none is close.
 * Anything but a plain object passes (check its kind with {@link checkOption}).
 *
 * @param label The function whose options these are, as messages name it: `'lines()'`.
 * @param known Every key the function accepts, those of inherited interfaces included.
 *
 * @example
 * ```ts
 * export function fixedSize(options: { size?: number | undefined } = {}): Codec<Uint8Array> {
 *   checkOptionKeys('fixedSize()', options, ['size']);
 *   // fixedSize({ sise: 4 }) throws: fixedSize(): unknown option "sise" (did you mean "size"?)
 * }
 * ```
 */
export function checkOptionKeys(label: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) return;
  for (const key in options) {
    if (!known.includes(key) && Object.hasOwn(options, key)) throw unknownOption(label, key, known);
  }
}

const CHECK_OPTION_KEYS = ['required'];

function unknownOption(label: string, key: string, known: readonly string[]): InvalidArgumentError {
  const closest = closestName(key, known);
  const hint =
    closest !== undefined
      ? `did you mean ${JSON.stringify(closest)}?`
      : `known options: ${known.map((name) => JSON.stringify(name)).join(', ')}`;
  return new InvalidArgumentError(`${label}: unknown option ${JSON.stringify(key)} (${hint})`);
}

function checkTimeout(label: string, value: unknown): void {
  if (value === Number.POSITIVE_INFINITY) return;
  const expected = `${label} must be whole milliseconds from 0 to ${MAX_TIMEOUT}, or Infinity for no limit`;
  if (typeof value !== 'number') throw new InvalidArgumentError(`${expected}, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > MAX_TIMEOUT) {
    throw new OutOfRangeError(`${expected}, got ${describeValue(value)}`);
  }
}

const IS: Record<Exclude<OptionKind, object | 'timeout'>, (value: unknown) => boolean> = {
  boolean: (value) => typeof value === 'boolean',
  string: (value) => typeof value === 'string' && value !== '',
  function: (value) => typeof value === 'function',
  object: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  signal: (value) => value instanceof AbortSignal,
  iterable: (value) =>
    value != null &&
    (typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function' ||
      typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function'),
  codec: (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { decoder?: unknown }).decoder === 'function' &&
    typeof (value as { encoder?: unknown }).encoder === 'function',
  bytes: (value) => value instanceof Uint8Array,
};

const EXPECTED: Record<Exclude<OptionKind, object | 'timeout'>, string> = {
  boolean: 'true or false',
  string: 'a non-empty string',
  function: 'a function',
  object: 'an object',
  signal: 'an AbortSignal',
  iterable: 'an iterable or async iterable',
  codec: 'a codec (an object with decoder() and encoder())',
  bytes: 'a Uint8Array',
};

function checkInteger(
  label: string,
  value: unknown,
  [min, max = Number.MAX_SAFE_INTEGER]: readonly [min: number, max?: number],
): void {
  const unbounded = max === Number.MAX_SAFE_INTEGER && !(typeof value === 'number' && value > max);
  const range = unbounded ? `at least ${min}` : `from ${min} to ${max}`;
  if (typeof value !== 'number') {
    throw new InvalidArgumentError(`${label} must be an integer ${range}, got ${describeValue(value)}`);
  }
  if (value === Number.POSITIVE_INFINITY && max === Number.POSITIVE_INFINITY) return;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new OutOfRangeError(`${label} must be an integer ${range}, got ${describeValue(value)}`);
  }
}
