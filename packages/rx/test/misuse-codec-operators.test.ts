/**
 * Misuse of @sluice/rx's codec operators, decodeWith() and encodeWith():
 * what is not a codec fails with ERR_INVALID_ARG, chunks that are not bytes
 * are decoded or refused with a coded error, and frames the codec refuses
 * end the stream with ERR_ENCODE after the good ones. The values nobody means
 * are in `support/misuse.ts`.
 */
import { json, lengthPrefixed, lines } from '@sluice/codec';
import { decodeWith, encodeWith } from '@sluice/rx';
import { type Observable, of } from 'rxjs';
import { Uint8ArrayList } from 'uint8arraylist';
import { describe, expect, it } from 'vitest';
import { bytes } from '../../../test-support/chunking.js';
import { any, expectCoded, guardProcess, show } from '../../../test-support/misuse.js';
import { errorOfCallOrSubscribe, NOT_CODECS, outcome } from './support/misuse.js';

guardProcess();

describe('decodeWith() and encodeWith()', () => {
  it.each(
    (
      [
        ['decodeWith', (codec: unknown) => of(bytes('a\n')).pipe(decodeWith(any(codec)))],
        ['encodeWith', (codec: unknown) => of('a').pipe(encodeWith(any(codec)))],
      ] as const
    ).flatMap(([name, make]) => NOT_CODECS.map(([what, codec]) => [name, what, () => make(codec)] as const)),
  )('%s(codec) fails with ERR_INVALID_ARG (at the call or as the error notification) for %s', async (_, __, make) => {
    expectCoded(await errorOfCallOrSubscribe(make), 'ERR_INVALID_ARG');
  });

  it.each<[string, unknown[], string[]]>([
    ['strings', ['a\n', 'b\n'], ['a', 'b']],
    ['a Uint8ArrayList', [new Uint8ArrayList(bytes('a\nb'), bytes('\n'))], ['a', 'b']],
    ['numbers', [5], []],
  ])(
    'decodeWith(lines()) of chunks that are %s: decodes them correctly or errors with ERR_INVALID_ARG / ERR_DECODE',
    async (_, chunks, expected) => {
      const seen = await outcome((of(...chunks) as Observable<Uint8Array>).pipe(decodeWith(lines())));
      if (seen.state === 'error') expectCoded(seen.error, 'ERR_INVALID_ARG', 'ERR_DECODE');
      else {
        expect(expected.length, `no error: ${seen.state} with ${show(seen.values)}`).toBeGreaterThan(0);
        expect(seen).toEqual({ values: expected, state: 'complete' });
      }
    },
  );

  it.each<[string, Observable<unknown>, number]>([
    ["encodeWith(lengthPrefixed()) of 'hello' (a string)", of('hello').pipe(encodeWith(any(lengthPrefixed()))), 0],
    [
      'encodeWith(lengthPrefixed()) of good bytes, then 123',
      of(bytes('ok'), 123).pipe(encodeWith(any(lengthPrefixed()))),
      1,
    ],
    ['encodeWith(lines()) of 5', of(5).pipe(encodeWith(any(lines()))), 0],
    ['encodeWith(json()) of undefined', of(undefined).pipe(encodeWith(json())), 0],
  ])('%s: emits only the good frames, then errors with ERR_ENCODE', async (_, observable, good) => {
    const seen = await outcome(observable);
    expectCoded(seen.error, 'ERR_ENCODE');
    expect(seen.values.length).toBe(good);
  });
});
