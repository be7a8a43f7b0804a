import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryCuts, decodeAll, encodeAll, rechunk, runs, tryDecodeAll } from '../../../test-support/chunking.js';
import { netstring } from './support/netstring.js';

const ascii = new TextEncoder();

describe('netstring (the README example codec)', () => {
  it('decoding encoded netstrings under any chunking gives the payloads back', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 10 }), arbitraryCuts(), (frames, cuts) => {
        const codec = netstring();
        const wire = encodeAll(codec, frames);
        expect(decodeAll(codec, rechunk(wire, cuts))).toEqual(frames);
      }),
      runs(200),
    );
  });

  it('reads the classic examples', () => {
    expect(decodeAll(netstring(), [ascii.encode('5:hello,0:,')])).toEqual([ascii.encode('hello'), new Uint8Array(0)]);
    expect(netstring().encoder().encode(ascii.encode('hi'))).toEqual(ascii.encode('2:hi,'));
  });

  it('refuses malformed input, oversized lengths as the digits arrive, and truncation', () => {
    const code = (input: string, max?: number) =>
      (tryDecodeAll(netstring(max), rechunk(ascii.encode(input), 'bytewise')).error as { code?: string }).code;
    expect(code('5:hello;')).toBe('ERR_DECODE');
    expect(code('x:')).toBe('ERR_DECODE');
    expect(code('05:hello,')).toBe('ERR_DECODE');
    expect(code('99999999999999', 100)).toBe('ERR_FRAME_TOO_LONG');
    expect(code('5:hel')).toBe('ERR_TRUNCATED_FRAME');
    expect(() => netstring(3).encoder().encode(new Uint8Array(4))).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG' }),
    );
  });
});
