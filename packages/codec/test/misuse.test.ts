/**
 * Misuse of @sluice/codec: bad options (ERR_INVALID_ARG, a
 * RangeError or TypeError as docs/codecs.md says), frames of the wrong type
 * given to encoders (ERR_ENCODE, never wrong bytes), chunks of the wrong type
 * given to decoders (decoded correctly or a coded error, never silently
 * nothing), and the transforms used wrongly or twice.
 */
import { type Codec, decode, decodeByChunk, encode, json, lengthPrefixed, lines, text } from '@sluice/codec';
import { isSluiceError } from '@sluice/core';
import fc from 'fast-check';
import { Uint8ArrayList } from 'uint8arraylist';
import { describe, expect, it } from 'vitest';
import { bytes } from '../../../test-support/chunking.js';
import {
  any,
  BAD_ARGUMENT,
  errorOfCallOrFirstNext,
  expectBadOption,
  expectCoded,
  guardProcess,
  rejectionOf,
  show,
  thrownBy,
} from '../../../test-support/misuse.js';

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

/** Each codec, a good frame, and its wire bytes. */
const codecs: [string, () => Codec<unknown, unknown>, unknown][] = [
  ['lines', () => lines() as Codec<unknown, unknown>, 'hello'],
  ['text', () => text() as Codec<unknown, unknown>, 'hello'],
  ['lengthPrefixed', () => lengthPrefixed() as Codec<unknown, unknown>, bytes('hello')],
  ['lengthPrefixed varint', () => lengthPrefixed({ width: 'varint' }) as Codec<unknown, unknown>, bytes('hello')],
  ['json', () => json(), { hello: ['world', 1] }],
  ['json over lengthPrefixed', () => json({ framing: lengthPrefixed() }), { hello: ['world', 1] }],
];

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

/** Things that are not byte chunks at all: every decoder must refuse them with a coded error. */
const NOT_CHUNKS: [string, unknown][] = [
  ['a number', 5],
  ['null', null],
  ['undefined', undefined],
  ['a plain object', { length: 2, 0: 104, 1: 105 }],
];

/** Byte-like things that are not a Uint8Array: decoded correctly, or refused with a coded error. */
const bytesLike = (wire: Uint8Array): [string, unknown][] => [
  ['a Uint8ArrayList of two parts', new Uint8ArrayList(wire.subarray(0, 3), wire.subarray(3))],
  ['a Uint8ArrayList of one part', new Uint8ArrayList(wire)],
  ['a string', Buffer.from(wire).toString('latin1')],
  ['an array of numbers', [...wire]],
];

describe('decoders given chunks of the wrong type', () => {
  it.each(codecs.flatMap(([name, make]) => NOT_CHUNKS.map(([what, chunk]) => [name, what, make, chunk] as const)))(
    '%s: decode(%s) throws ERR_INVALID_ARG or ERR_DECODE',
    async (_, __, make, chunk) => {
      expectCoded(await thrownBy(() => make().decoder().decode(any(chunk), [])), ...BAD_ARGUMENT, 'ERR_DECODE');
    },
  );

  /** Frames in a comparable form; text pieces joined, since `text()` may cut its output anywhere. */
  const normal = (name: string, frames: unknown[]): string[] => {
    const shown = frames.map((frame) =>
      frame instanceof Uint8Array ? `bytes ${Buffer.from(frame).toString('hex')}` : show(frame),
    );
    return name === 'text' ? [frames.join('')] : shown;
  };

  const likeTable = codecs.flatMap(([name, make, good]) => {
    const codec = make();
    const wire = Buffer.concat([codec.encoder().encode(good), codec.encoder().encode(good)]);
    const decoder = codec.decoder();
    const frames: unknown[] = [];
    decoder.decode(wire, frames);
    decoder.end(frames);
    const expected = normal(name, frames);
    return bytesLike(wire).map(([what, chunk]) => [name, what, make, chunk, expected] as const);
  });

  it.each(likeTable)(
    '%s: decode(%s) decodes it correctly or throws ERR_INVALID_ARG / ERR_DECODE, never silently returns nothing',
    async (name, _, make, chunk, expected) => {
      const decoder = make().decoder();
      const frames: unknown[] = [];
      try {
        decoder.decode(any(chunk), frames);
        decoder.end(frames);
      } catch (error) {
        expectCoded(error, ...BAD_ARGUMENT, 'ERR_DECODE');
        return;
      }
      expect(normal(name, frames), 'the frames decoded from the byte-like chunk').toEqual(expected);
    },
  );
});

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
