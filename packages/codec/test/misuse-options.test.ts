/**
 * Misuse of the options of @sluice/codec's codecs (lines, lengthPrefixed,
 * json, text): options that are not an object, and every option given a value
 * nobody means, each refused at once with ERR_INVALID_ARG (a RangeError or
 * TypeError, as docs/codecs.md says). Each mistake must give a coded error
 * where the caller waits and leave everything else working.
 */
import { json, lengthPrefixed, lines, text } from '@sluice/codec';
import { isSluiceError } from '@sluice/core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { any, BAD_ARGUMENT, expectBadOption, guardProcess, thrownBy } from '../../../test-support/misuse.js';

guardProcess();

/** Options that are not an options object. */
const NOT_OPTIONS: [string, unknown][] = [
  ['null', null],
  ['a number', 5],
  ['a string', 'utf-8'],
];

/** Not a non-negative safe integer (Infinity included: every codec limit is finite). */
const NOT_LIMITS: [string, unknown][] = [
  ['-1', -1],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['1.5', 1.5],
  ["'10' (a string)", '10'],
  ['null', null],
  ['an object without a prototype (cannot be turned into a string)', Object.create(null)],
];

const badOptions: [string, string, () => unknown][] = [
  ...NOT_OPTIONS.map(([what, value]): [string, string, () => unknown] => [
    'lines',
    `options ${what}`,
    () => lines(any(value)),
  ]),
  ...(
    [
      ['a number', 5],
      ['null', null],
      ['a plain object', {}],
      ['an array of strings', ['\n']],
      ["'' (empty)", ''],
      ['empty bytes', new Uint8Array(0)],
    ] as [string, unknown][]
  ).map(([what, value]): [string, string, () => unknown] => [
    'lines',
    `delimiter ${what}`,
    () => lines({ delimiter: any(value) }),
  ]),
  ...NOT_LIMITS.map(([what, value]): [string, string, () => unknown] => [
    'lines',
    `maxFrameLength ${what}`,
    () => lines({ maxFrameLength: any(value) }),
  ]),
  ...(
    [
      ['an unknown label', 'klingon'],
      ['a number', 8],
      ['null', null],
      ["'' (empty)", ''],
    ] as [string, unknown][]
  ).map(([what, value]): [string, string, () => unknown] => [
    'lines',
    `encoding ${what}`,
    () => lines({ encoding: any(value) }),
  ]),
  ['lines', "fatal 'yes' (a string)", () => lines({ fatal: any('yes') })],
  ['lines', 'stripCR 1 (a number)', () => lines({ stripCR: any(1) })],
  ['lines', "allowUnterminated 'false' (a string, which is truthy)", () => lines({ allowUnterminated: any('false') })],

  ...NOT_OPTIONS.map(([what, value]): [string, string, () => unknown] => [
    'lengthPrefixed',
    `options ${what}`,
    () => lengthPrefixed(any(value)),
  ]),
  ...(
    [
      ['3', 3],
      ['0', 0],
      ['16', 16],
      ["'4' (a string)", '4'],
      ["'VARINT'", 'VARINT'],
      ['NaN', Number.NaN],
      ['null', null],
    ] as [string, unknown][]
  ).map(([what, value]): [string, string, () => unknown] => [
    'lengthPrefixed',
    `width ${what}`,
    () => lengthPrefixed({ width: any(value) }),
  ]),
  ...(
    [
      ["'big'", 'big'],
      ["'BE'", 'BE'],
      ['a number', 1],
      ['null', null],
    ] as [string, unknown][]
  ).map(([what, value]): [string, string, () => unknown] => [
    'lengthPrefixed',
    `endian ${what}`,
    () => lengthPrefixed({ endian: any(value) }),
  ]),
  ...NOT_LIMITS.map(([what, value]): [string, string, () => unknown] => [
    'lengthPrefixed',
    `maxFrameLength ${what}`,
    () => lengthPrefixed({ maxFrameLength: any(value) }),
  ]),
  ...(
    [
      ['1.5', 1.5],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ["'1' (a string)", '1'],
    ] as [string, unknown][]
  ).map(([what, value]): [string, string, () => unknown] => [
    'lengthPrefixed',
    `lengthAdjustment ${what}`,
    () => lengthPrefixed({ lengthAdjustment: any(value) }),
  ]),
  [
    'lengthPrefixed',
    "lengthIncludesHeader 'false' (a string)",
    () => lengthPrefixed({ lengthIncludesHeader: any('false') }),
  ],
  ['lengthPrefixed', 'copy 1 (a number)', () => lengthPrefixed({ copy: any(1) })],

  ...NOT_OPTIONS.map(([what, value]): [string, string, () => unknown] => [
    'json',
    `options ${what}`,
    () => json(any(value)),
  ]),
  ['json', 'framing a number', () => json({ framing: any(5) })],
  ['json', 'framing a plain object', () => json({ framing: any({}) })],
  ['json', "framing the string 'lines'", () => json({ framing: any('lines') })],
  ['json', 'framing the lines function itself (not lines())', () => json({ framing: any(lines) })],
  ['json', "frames 'text' (not 'string' or 'bytes')", () => json({ frames: any('text') })],
  ['json', 'reviver a number', () => json({ reviver: any(5) })],
  ['json', 'replacer a string', () => json({ replacer: any('x') })],
  ...NOT_LIMITS.map(([what, value]): [string, string, () => unknown] => [
    'json',
    `maxFrameLength ${what}`,
    () => json({ maxFrameLength: any(value) }),
  ]),
  ['json', 'both framing and maxFrameLength', () => json({ framing: lengthPrefixed(), maxFrameLength: 10 })],

  ...NOT_OPTIONS.map(([what, value]): [string, string, () => unknown] => [
    'text',
    `options ${what}`,
    () => text(any(value)),
  ]),
  ['text', 'encoding an unknown label', () => text({ encoding: 'klingon' })],
  ['text', 'encoding a number', () => text({ encoding: any(8) })],
  ['text', 'encoding null', () => text({ encoding: any(null) })],
  ['text', "fatal 'yes' (a string)", () => text({ fatal: any('yes') })],
];

describe('codec options', () => {
  it.each(badOptions)('%s(): %s throws ERR_INVALID_ARG (a RangeError or TypeError) at once', async (_, __, make) => {
    expectBadOption(await thrownBy(make));
  });

  const notALimit = fc.oneof(
    fc.integer({ max: -1 }),
    fc.double({ noInteger: true }),
    fc.string(),
    fc.constant(null),
    fc.boolean(),
    fc.object(),
  );

  it.each<[string, (limit: unknown) => unknown]>([
    ['lines({ maxFrameLength })', (limit) => lines({ maxFrameLength: any(limit) })],
    ['lengthPrefixed({ maxFrameLength })', (limit) => lengthPrefixed({ maxFrameLength: any(limit) })],
    ['json({ maxFrameLength })', (limit) => json({ maxFrameLength: any(limit) })],
  ])('property: %s refuses any limit but a non-negative integer with ERR_INVALID_ARG', (_, make) => {
    fc.assert(
      fc.property(notALimit, (limit) => {
        try {
          make(limit);
        } catch (error) {
          return BAD_ARGUMENT.some((code) => isSluiceError(error, code));
        }
        return false;
      }),
      { numRuns: 200 },
    );
  });
});
