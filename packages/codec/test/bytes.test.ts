import { allocateBytes, encodeUtf8, lengthPrefixed, lines } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runs } from '../../../test-support/chunking.js';

const utf8 = new TextEncoder();

describe('encodeUtf8', () => {
  it('gives exactly what TextEncoder gives, for any string, lone surrogates and all, short or long', () => {
    const anyString = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 3000 }),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(anyString, (text) => {
        expect(encodeUtf8(text)).toEqual(utf8.encode(text));
      }),
      runs(500),
    );
  });

  it('appends a suffix: the same bytes as encoding the text, then the suffix', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 3000 }),
    );
    fc.assert(
      fc.property(text, fc.uint8Array({ maxLength: 16 }), (value, suffix) => {
        expect(encodeUtf8(value, suffix)).toEqual(new Uint8Array([...utf8.encode(value), ...suffix]));
      }),
      runs(500),
    );
  });
});

describe('allocateBytes', () => {
  it('hands out zeroed arrays of the size asked, small or large', () => {
    for (const size of [0, 1, 67, 4095, 4096, 9000]) {
      const bytes = allocateBytes(size);
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(bytes.length).toBe(size);
      expect(bytes.every((b) => b === 0)).toBe(true);
    }
  });

  it('never hands out the same bytes twice: arrays kept alive together stay independent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(200), fc.nat(5000), fc.string({ maxLength: 100 })), { maxLength: 200 }),
        (asks) => {
          const arrays = asks.map((ask) => (typeof ask === 'number' ? allocateBytes(ask) : encodeUtf8(ask)));
          const expected = arrays.map((bytes, i) => {
            bytes.fill(i & 0xff);
            return i & 0xff;
          });
          arrays.forEach((bytes, i) => {
            expect(bytes.every((b) => b === expected[i])).toBe(true);
          });
        },
      ),
      runs(100),
    );
  });

  it('keeps encoded frames intact while later frames are encoded (the writes a slow socket still holds)', () => {
    const encoder = lengthPrefixed({ width: 2 }).encoder();
    const lineEncoder = lines().encoder();
    const held = Array.from({ length: 500 }, (_, i) => ({
      frame: encoder.encode(new Uint8Array(i % 97).fill(i & 0xff)),
      line: lineEncoder.encode(`line ${i} é`),
      i,
    }));
    for (const { frame, line, i } of held) {
      expect([...frame.subarray(0, 2)]).toEqual([0, i % 97]);
      expect(frame.subarray(2).every((b) => b === (i & 0xff))).toBe(true);
      expect(new TextDecoder().decode(line)).toBe(`line ${i} é\n`);
    }
  });
});
