import { text } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbitraryCuts,
  decodeAll,
  decodeChunk,
  endFrames,
  rechunk,
  runs,
  tryDecodeAll,
} from '../../../test-support/chunking.js';

const utf8 = new TextEncoder();

describe('text', () => {
  it('joined pieces equal decoding the whole input at once, under any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), arbitraryCuts(), (bytes, cuts) => {
        const whole = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
        expect(decodeAll(text(), rechunk(bytes, cuts)).join('')).toBe(whole);
      }),
      runs(300),
    );
  });

  it('never splits a character and never yields an empty piece, under any chunking', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), arbitraryCuts(), (input, cuts) => {
        const pieces = decodeAll(text({ fatal: true }), rechunk(utf8.encode(input), cuts));
        expect(pieces.join('')).toBe(input);
        for (const piece of pieces) {
          expect(piece).not.toBe('');
          expect(piece).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/); // no half of a surrogate pair
        }
      }),
      runs(300),
    );
  });

  it('holds back a character cut by a chunk boundary until the rest arrives', () => {
    const decoder = text().decoder();
    expect(decodeChunk(decoder, Uint8Array.of(0x68, 0xc3))).toEqual(['h']);
    expect(decodeChunk(decoder, Uint8Array.of(0xa9))).toEqual(['é']);
    expect(decodeChunk(decoder, Uint8Array.of(0xf0, 0x9f))).toEqual([]);
    expect(decodeChunk(decoder, Uint8Array.of(0x98, 0x80))).toEqual(['😀']);
    expect(endFrames(decoder)).toEqual([]);
  });

  it('throws ERR_DECODE on malformed input under fatal, including a character cut off by the end', () => {
    expect(tryDecodeAll(text({ fatal: true }), [Uint8Array.of(0x61, 0xff)]).error).toMatchObject({
      code: 'ERR_DECODE',
      name: 'DecodeError',
      cause: expect.any(TypeError),
    });
    const outcome = tryDecodeAll(text({ fatal: true }), [Uint8Array.of(0x61, 0xe2, 0x82)]);
    expect(outcome).toMatchObject({ frames: ['a'], error: { code: 'ERR_DECODE' } });
    expect(decodeAll(text(), [Uint8Array.of(0x61, 0xe2, 0x82)])).toEqual(['a', '\uFFFD']);
  });

  it('decodes other encodings, keeping code units together across chunks', () => {
    const bytes = Uint8Array.of(0x68, 0x00, 0x3d, 0xd8, 0x00, 0xde); // 'h😀' in UTF-16LE
    expect(decodeAll(text({ encoding: 'utf-16le' }), rechunk(bytes, 'bytewise')).join('')).toBe('h😀');
  });

  it('encodes strings to UTF-8, and refuses to encode other encodings with ERR_ENCODE', () => {
    expect(text().encoder().encode('é')).toEqual(Uint8Array.of(0xc3, 0xa9));
    expect(() => text({ encoding: 'latin1' }).encoder().encode('é')).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODE' }),
    );
    expect(() => text({ encoding: 'klingon' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
  });
});
