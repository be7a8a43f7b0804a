/**
 * Misuse of @sluice/codec's transforms decode(), decodeByChunk() and encode():
 * what is not a codec, sources that are not iterable, chunks that are strings,
 * and a frame the encoder refuses in the middle of a source. Each mistake must
 * give a coded error where the caller waits and leave everything else working.
 */
import { decode, decodeByChunk, encode, lengthPrefixed, lines } from '@sluice/codec';
import { describe, expect, it } from 'vitest';
import { bytes } from '../../../test-support/chunking.js';
import {
  any,
  BAD_ARGUMENT,
  errorOfCallOrFirstNext,
  expectCoded,
  guardProcess,
  rejectionOf,
  thrownBy,
} from '../../../test-support/misuse.js';

guardProcess();

describe('decode(), decodeByChunk(), encode()', () => {
  const transforms: [string, (codec: unknown) => unknown][] = [
    ['decode', (codec) => decode(any(codec))],
    ['decodeByChunk', (codec) => decodeByChunk(any(codec))],
    ['encode', (codec) => encode(any(codec))],
  ];
  const notCodecs: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a plain object', {}],
    ['the lines function itself (not lines())', lines],
  ];

  it.each(transforms.flatMap(([name, make]) => notCodecs.map(([what, codec]) => [name, what, make, codec] as const)))(
    '%s(codec) throws ERR_INVALID_ARG at once when the codec is %s',
    async (_, __, make, codec) => {
      expectCoded(await thrownBy(() => make(codec)), ...BAD_ARGUMENT);
    },
  );

  it.each(
    transforms.flatMap(([name]) =>
      (
        [
          ['undefined', undefined],
          ['a number', 5],
          ['a plain object', {}],
        ] as [string, unknown][]
      ).map(([what, source]) => [name, what, source] as const),
    ),
  )(
    '%s(codec)(source) fails with ERR_INVALID_ARG (at the call or the first next()) when the source is %s',
    async (name, _, source) => {
      const codec = lines();
      const run =
        name === 'decode'
          ? () => decode(codec)(any(source))
          : name === 'decodeByChunk'
            ? () => decodeByChunk(codec)(any(source))
            : () => encode(codec)(any(source));
      expectCoded(await errorOfCallOrFirstNext(run), ...BAD_ARGUMENT);
    },
  );

  it('decode(lines()) over chunks that are strings: decodes them or fails with ERR_INVALID_ARG / ERR_DECODE', async () => {
    const frames: unknown[] = [];
    try {
      for await (const line of decode(lines())(any(['a\n', 'b\n']))) frames.push(line);
    } catch (error) {
      expectCoded(error, ...BAD_ARGUMENT, 'ERR_DECODE');
      return;
    }
    expect(frames).toEqual(['a', 'b']);
  });

  it('encode(lengthPrefixed()) of a string frame rejects with ERR_ENCODE after the good frames, and returns its source', async () => {
    let returned = 0;
    const source = {
      *[Symbol.iterator]() {
        try {
          yield bytes('ok');
          yield any('not bytes');
          yield bytes('never');
        } finally {
          returned++;
        }
      },
    };
    const iterator = encode(lengthPrefixed())(source);
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expectCoded(await rejectionOf(() => iterator.next()), 'ERR_ENCODE');
    expect(returned).toBe(1);
  });
});
