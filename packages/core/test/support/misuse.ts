/**
 * What the misuse suites of @sluice/core (`test/misuse-*.test.ts`) share: the
 * values nobody means (not functions, not signals, not counts) and the code a
 * refused count must carry. The helpers of every package's misuse suites are
 * in `test-support/misuse.ts`.
 */
import fc from 'fast-check';

/** Values that are not functions, for the callbacks of the steps and sinks. */
export const NOT_FUNCTIONS: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 5],
  ['a string', 'x => x'],
  ['a plain object', {}],
];

/** Values that are not AbortSignals, for every `signal` option. */
export const NOT_SIGNALS: [string, unknown][] = [
  ['a plain object', {}],
  ['a string', 'abort'],
  ['a number', 1],
  ['an AbortController (not its signal)', new AbortController()],
];

/** Non-counts: for options that take a non-negative (or positive) integer. */
export const NOT_COUNTS: [string, unknown][] = [
  ['-1', -1],
  ['NaN', Number.NaN],
  ['1.5', 1.5],
  ["'4' (a string)", '4'],
  ['null', null],
  ['a plain object', {}],
  ['an object without a prototype', Object.create(null)],
];

/**
 * The code a refused count must carry: a number outside the range (negative,
 * a fraction, NaN, an infinity where none is allowed) is `ERR_OUT_OF_RANGE`
 * (an `OutOfRangeError`, a RangeError); anything that is not a number is
 * `ERR_INVALID_ARG` (docs/conventions.md).
 */
export const codeForCount = (value: unknown): string =>
  typeof value === 'number' ? 'ERR_OUT_OF_RANGE' : 'ERR_INVALID_ARG';

/** fast-check values that are neither a non-negative safe integer nor Infinity. */
export const notANonNegativeInteger = fc.oneof(
  fc.integer({ max: -1 }),
  fc.double({ noInteger: true }).filter((n) => n !== Number.POSITIVE_INFINITY),
  fc.string(),
  fc.constant(null),
  fc.boolean(),
  fc.object(),
  fc.array(fc.nat(), { maxLength: 2 }),
);
