import { type Codec, json, lengthPrefixed, lines, text } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryCuts, encodeAll, rechunk, runs, tryDecodeAll } from '../../../test-support/chunking.js';
import { netstring } from './support/netstring.js';

// Text pieces follow the chunking, so text is compared joined.
const joined = (pieces: unknown[]) => [pieces.join('')];
const asIs = (frames: unknown[]) => frames;

const codecs: [string, Codec<unknown>, fc.Arbitrary<unknown>, (frames: unknown[]) => unknown[]][] = [
  ['lengthPrefixed', lengthPrefixed({ width: 'varint' }), fc.uint8Array({ maxLength: 50 }), asIs],
  ['lines', lines(), fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')), asIs],
  ['text', text(), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), joined],
  ['json', json(), fc.jsonValue({ maxDepth: 2 }), asIs],
  ['netstring', netstring(), fc.uint8Array({ maxLength: 50 }), asIs],
];

describe('one codec value shared by two interleaved streams', () => {
  for (const [name, codec, frame, normalize] of codecs) {
    it(`${name}: each stream decodes exactly as it would alone`, () => {
      const wire = fc.array(frame, { maxLength: 8 }).map((frames) => encodeAll(codec, frames as never[]));
      fc.assert(
        fc.property(wire, wire, arbitraryCuts(), arbitraryCuts(), (a, b, cutsA, cutsB) => {
          const chunksA = rechunk(a, cutsA);
          const chunksB = rechunk(b, cutsB);
          const [decoderA, decoderB] = [codec.decoder(), codec.decoder()];
          const outA: unknown[] = [];
          const outB: unknown[] = [];
          for (let i = 0; i < Math.max(chunksA.length, chunksB.length); i++) {
            if (i < chunksA.length) decoderA.decode(chunksA[i]!, outA);
            if (i < chunksB.length) decoderB.decode(chunksB[i]!, outB);
          }
          decoderA.end(outA);
          decoderB.end(outB);
          expect(normalize(outA)).toEqual(normalize(tryDecodeAll(codec, [a]).frames));
          expect(normalize(outB)).toEqual(normalize(tryDecodeAll(codec, [b]).frames));
        }),
        runs(100),
      );
    });
  }
});
