import { describe, expect, it } from 'vitest';
import { bytes } from '../../../test-support/chunking.js';
import { expectCoded, guardProcess, thrownBy } from '../../../test-support/misuse.js';
import { codecs } from './support/misuse.js';

guardProcess();

const wrongFrames: Record<string, [string, unknown][]> = {
  strings: [
    ['a number', 5],
    ['undefined', undefined],
    ['null', null],
    ['a plain object', { not: 'text' }],
    ['bytes', bytes('hi')],
    ['a boolean', true],
  ],
  bytes: [
    ['a string', 'hello'],
    ['a number', 123],
    ['undefined', undefined],
    ['null', null],
    ['a plain object', {}],
    ['a boolean', true],
  ],
  json: [
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a BigInt', 10n],
    [
      'a cycle',
      (() => {
        const cycle: Record<string, unknown> = {};
        cycle['self'] = cycle;
        return cycle;
      })(),
    ],
  ],
};

const encoderTable = codecs.flatMap(([name, make, good]) => {
  const kind = name.startsWith('json') ? 'json' : name.startsWith('length') ? 'bytes' : 'strings';
  return (wrongFrames[kind] ?? []).map(([what, frame]) => [name, what, make, frame, good] as const);
});

describe('encoders given frames of the wrong type', () => {
  it.each(encoderTable)(
    '%s: encode(%s) throws ERR_ENCODE, and the encoder still encodes a good frame afterwards',
    async (_, __, make, frame, good) => {
      const codec = make();
      const encoder = codec.encoder();
      expectCoded(await thrownBy(() => encoder.encode(frame)), 'ERR_ENCODE');
      expect(Buffer.from(encoder.encode(good))).toEqual(Buffer.from(codec.encoder().encode(good)));
    },
  );
});
