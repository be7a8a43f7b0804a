import { Uint8ArrayList } from 'uint8arraylist';
import { describe, expect, it } from 'vitest';
import { any, BAD_ARGUMENT, expectCoded, guardProcess, show, thrownBy } from '../../../test-support/misuse.js';
import { codecs } from './support/misuse.js';

guardProcess();

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
