/**
 * Length-prefixed decoders against headers at and past their limits, of every
 * width and byte order, cut at any place. The promise under test, as
 * SECURITY.md states it: a header announcing more than `maxFrameLength` is
 * refused with `ERR_FRAME_TOO_LONG` on the header alone, before anything is
 * buffered (a 4 GiB header allocates nothing), and an endless varint within 10
 * bytes.
 *
 * Runs are raised with FC_NUM_RUNS.
 */
import { lengthPrefixed } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryCuts, decodeChunk, rechunk, runs } from '../../../test-support/chunking.js';
import { codeOf, headerBytes, MiB } from './support/fuzz.js';

describe('limits are enforced on the header, before anything is buffered', () => {
  const widths = [1, 2, 4, 8, 'varint'] as const;

  it('any announced length: the header alone is refused with ERR_FRAME_TOO_LONG iff it exceeds maxFrameLength', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...widths),
        fc.constantFrom<'be' | 'le'>('be', 'le'),
        fc.nat({ max: 300 }),
        fc.oneof(fc.nat({ max: 400 }), fc.maxSafeNat()),
        (width, endian, maxFrameLength, announced) => {
          const codec = lengthPrefixed({ width, endian, maxFrameLength });
          const field = width === 'varint' ? 9 : width;
          const fieldMax = width === 'varint' || width === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * width) - 1;
          const value = Math.min(announced, fieldMax);
          const header = headerBytes(value, width, endian).subarray(0, field);
          const decoder = codec.decoder();
          if (value > maxFrameLength) {
            expect(() => decodeChunk(decoder, header)).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG' }));
          } else {
            expect(decodeChunk(decoder, header)).toEqual(value === 0 ? [new Uint8Array(0)] : []);
          }
        },
      ),
      runs(500),
    );
  });

  it('a 4 GiB header fails at once under the default 16 MiB limit, header split or not, and allocates nothing', () => {
    for (const cuts of ['whole', 'bytewise'] as const) {
      const before = process.memoryUsage().arrayBuffers;
      const decoder = lengthPrefixed().decoder();
      const chunks = rechunk(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x61), cuts);
      const headerEnds = cuts === 'whole' ? 5 : 4; // the end of the chunk holding the last header byte
      let fedWhenThrown = -1;
      let fed = 0;
      try {
        for (const chunk of chunks) {
          fed += chunk.length;
          decodeChunk(decoder, chunk);
        }
      } catch (error) {
        expect(codeOf(error)).toBe('ERR_FRAME_TOO_LONG');
        expect(error).toMatchObject({ size: 0xffff_ffff, limit: 16 * MiB });
        fedWhenThrown = fed;
      }
      expect(fedWhenThrown).toBe(headerEnds); // on the chunk completing the header, not later
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 * MiB);
    }
  });

  it('an endless varint is refused after at most 10 bytes, however it is cut', () => {
    fc.assert(
      fc.property(arbitraryCuts(), fc.integer({ min: 0x80, max: 0xff }), (cuts, filler) => {
        const bytes = new Uint8Array(64).fill(filler);
        const decoder = lengthPrefixed({ width: 'varint' }).decoder();
        let fed = 0;
        let code = '';
        for (const chunk of rechunk(bytes, cuts)) {
          try {
            fed += chunk.length;
            decodeChunk(decoder, chunk);
          } catch (error) {
            code = codeOf(error);
            break;
          }
        }
        expect(code).toMatch(/^ERR_(DECODE|FRAME_TOO_LONG)$/);
        // Refused by the chunk that carries the 10th header byte, at the latest.
        expect(fed).toBeLessThanOrEqual(endOfChunkHolding(bytes.length, cuts, 10));
      }),
      runs(200),
    );
  });
});

/** Where the chunk holding byte number `n` (1-based) ends, for a cutting of `length` bytes. */
function endOfChunkHolding(length: number, cuts: Parameters<typeof rechunk>[1], n: number): number {
  let end = 0;
  for (const piece of rechunk(new Uint8Array(length), cuts)) {
    end += piece.length;
    if (end >= n) return end;
  }
  return end;
}
