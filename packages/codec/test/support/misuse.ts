/**
 * What the misuse suites of @sluice/codec (`test/misuse-*.test.ts`) share:
 * each built-in codec with a good frame. The helpers of every package's
 * misuse suites are in `test-support/misuse.ts`.
 */
import { type Codec, json, lengthPrefixed, lines, text } from '@sluice/codec';
import { bytes } from '../../../../test-support/chunking.js';

/** Each codec, a good frame, and its wire bytes. */
export const codecs: [string, () => Codec<unknown, unknown>, unknown][] = [
  ['lines', () => lines() as Codec<unknown, unknown>, 'hello'],
  ['text', () => text() as Codec<unknown, unknown>, 'hello'],
  ['lengthPrefixed', () => lengthPrefixed() as Codec<unknown, unknown>, bytes('hello')],
  ['lengthPrefixed varint', () => lengthPrefixed({ width: 'varint' }) as Codec<unknown, unknown>, bytes('hello')],
  ['json', () => json(), { hello: ['world', 1] }],
  ['json over lengthPrefixed', () => json({ framing: lengthPrefixed() }), { hello: ['world', 1] }],
];
