import { type LinesOptions, lines } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbitraryCuts,
  decodeAll,
  decodeChunk,
  encodeAll,
  rechunk,
  runs,
  STANDARD_CUTS,
  tryDecodeAll,
} from '../../../test-support/chunking.js';

const utf8 = new TextEncoder();
const CR = 0x0d;

/** Reference model: split the whole input at each delimiter, left to right, then decode each line on its own. */
function naiveLines(bytes: Uint8Array, delimiter: Uint8Array, stripCR: boolean): string[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i + delimiter.length <= bytes.length; ) {
    if (delimiter.every((byte, j) => bytes[i + j] === byte)) {
      parts.push(bytes.subarray(start, i));
      i += delimiter.length;
      start = i;
    } else i++;
  }
  if (start < bytes.length) parts.push(bytes.subarray(start));
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  return parts.map((part) => decoder.decode(stripCR && part.at(-1) === CR ? part.subarray(0, -1) : part));
}

/** Bytes biased towards line breaks, CRs, multi-byte characters, broken sequences and a BOM. */
const messyBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom([0x0a], [0x0d], [0x0d, 0x0a], [0x61], [0x62, 0x63], [0xc3, 0xa9], [0xe2, 0x82, 0xac]),
      fc.constantFrom([0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbb, 0xbf], [0xff], [0x80], [0xe2], [0xe2, 0x82], [0xf0]),
      fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 80 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => Uint8Array.from(parts.flat()));

/** A line the default codec can carry: no '\n', no trailing '\r'. */
const line = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replaceAll('\n', ' ').replace(/\r$/, '.'));

describe('lines', () => {
  it('decoding encoded lines under any chunking gives the lines back', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), arbitraryCuts(), (input, cuts) => {
        const codec = lines();
        const wire = encodeAll(codec, input);
        expect(decodeAll(codec, rechunk(wire, cuts))).toEqual(input);
      }),
      runs(200),
    );
  });

  it('matches a naive split of the whole input regardless of chunk boundaries', () => {
    fc.assert(
      fc.property(messyBytes, arbitraryCuts(), (bytes, cuts) => {
        expect(decodeAll(lines(), rechunk(bytes, cuts))).toEqual(naiveLines(bytes, Uint8Array.of(0x0a), true));
      }),
      runs(300),
    );
  });

  it('matches a naive split for any multi-byte delimiter, even one overlapping itself, across chunk boundaries', () => {
    const alphabet = fc.constantFrom(0x61, 0x62, 0x0d, 0x0a, 0xc3, 0xa9);
    const delimiter = fc.array(alphabet, { minLength: 1, maxLength: 4 }).map((d) => Uint8Array.from(d));
    const input = fc.array(alphabet, { maxLength: 200 }).map((d) => Uint8Array.from(d));
    fc.assert(
      fc.property(delimiter, input, arbitraryCuts(), fc.boolean(), (delim, bytes, cuts, stripCR) => {
        const codec = lines({ delimiter: delim, stripCR });
        expect(decodeAll(codec, rechunk(bytes, cuts))).toEqual(naiveLines(bytes, delim, stripCR));
      }),
      runs(400),
    );
  });

  it('reads CRLF cleanly, also when CR and LF arrive in different chunks', () => {
    const wire = utf8.encode('one\r\ntwo\r\n\r\nlone\rcr\n');
    for (const frames of STANDARD_CUTS.map((cuts) => decodeAll(lines(), rechunk(wire, cuts)))) {
      expect(frames).toEqual(['one', 'two', '', 'lone\rcr']);
    }
    const decoder = lines().decoder();
    expect(decodeChunk(decoder, utf8.encode('a\r'))).toEqual([]);
    expect(decodeChunk(decoder, utf8.encode('\nb\r'))).toEqual(['a']);
    expect(decodeChunk(decoder, utf8.encode('\n'))).toEqual(['b']);
    expect(decodeChunk(lines({ stripCR: false }).decoder(), utf8.encode('a\r\n'))).toEqual(['a\r']);
  });

  it('yields a final unterminated line at end, or refuses it with allowUnterminated: false', () => {
    expect(decodeAll(lines(), [utf8.encode('a\nb')])).toEqual(['a', 'b']);
    expect(decodeAll(lines(), [utf8.encode('a\n')])).toEqual(['a']);
    expect(decodeAll(lines(), [utf8.encode('\n\n')])).toEqual(['', '']);
    expect(decodeAll(lines(), [])).toEqual([]);
    const strict = tryDecodeAll(lines({ allowUnterminated: false }), [utf8.encode('a\nbc')]);
    expect(strict).toMatchObject({ frames: ['a'], error: { code: 'ERR_TRUNCATED_FRAME', buffered: 2 } });
  });

  it('throws ERR_FRAME_TOO_LONG as soon as the unfinished line exceeds maxFrameLength', () => {
    const decoder = lines({ maxFrameLength: 5 }).decoder();
    expect(decodeChunk(decoder, utf8.encode('abcde'))).toEqual([]);
    expect(() => decodeChunk(decoder, utf8.encode('f'))).toThrow(
      expect.objectContaining({
        code: 'ERR_FRAME_TOO_LONG',
        size: 6,
        limit: 5,
        message: 'Line too long: 6 bytes, limit 5',
      }),
    );
    // A CR that may be part of CRLF does not count until the next byte shows it is not.
    const crlf = lines({ maxFrameLength: 5 }).decoder();
    expect(decodeChunk(crlf, utf8.encode('abcde\r'))).toEqual([]);
    expect(decodeChunk(crlf, utf8.encode('\n'))).toEqual(['abcde']);
    expect(() => decodeChunk(lines({ maxFrameLength: 5 }).decoder(), utf8.encode('abcde\rx'))).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG' }),
    );
    // Complete lines inside one chunk, ASCII or not, are checked in bytes.
    expect(decodeChunk(lines({ maxFrameLength: 5 }).decoder(), utf8.encode('abcde\nxy\n'))).toEqual(['abcde', 'xy']);
    // Lines before the long one are still delivered; the error comes next.
    expect(tryDecodeAll(lines({ maxFrameLength: 5 }), [utf8.encode('ok\nabcdef\n')])).toMatchObject({
      frames: ['ok'],
      error: { code: 'ERR_FRAME_TOO_LONG', size: 6 },
    });
    expect(() => decodeChunk(lines({ maxFrameLength: 5 }).decoder(), utf8.encode('ééé\n'))).toThrow(
      expect.objectContaining({ size: 6 }),
    );
  });

  it('scans an 8 MiB line arriving in 1 KiB pieces in linear time', () => {
    // Count the bytes the decoder searches, copies and decodes: a decoder that
    // re-scanned or re-joined its buffer on every piece would touch ~4 GiB.
    const size = 8 * 1024 * 1024;
    const wire = new Uint8Array(size + 1).fill(0x78);
    wire[size] = 0x0a;
    const typed = Object.getPrototypeOf(Uint8Array.prototype) as Uint8Array;
    const { indexOf, set } = typed;
    const { decode } = TextDecoder.prototype;
    let work = 0;
    typed.indexOf = function (this: Uint8Array, value: number, from = 0) {
      work += this.length - from;
      return indexOf.call(this, value, from);
    };
    typed.set = function (this: Uint8Array, source: ArrayLike<number>, offset?: number) {
      work += source.length;
      return set.call(this, source, offset);
    };
    TextDecoder.prototype.decode = function (
      this: TextDecoder,
      input?: AllowSharedBufferSource,
      options?: TextDecodeOptions,
    ) {
      work += input?.byteLength ?? 0;
      return decode.call(this, input, options);
    };
    let out: string[];
    try {
      out = decodeAll(
        lines({ maxFrameLength: size }),
        rechunk(
          wire,
          Array.from({ length: size / 1024 }, (_, i) => i * 1024),
        ),
      );
    } finally {
      Object.assign(typed, { indexOf, set });
      TextDecoder.prototype.decode = decode;
    }
    expect(out).toHaveLength(1);
    expect(out[0]).toHaveLength(size);
    expect(work).toBeGreaterThan(size); // the counters do see the decoder's work
    expect(work).toBeLessThan(4 * size);
  });

  it('decodes malformed UTF-8 to U+FFFD, or throws ERR_DECODE with fatal: true', () => {
    const bad = Uint8Array.of(0x61, 0xff, 0x0a, 0x62, 0x0a);
    expect(decodeAll(lines(), [bad])).toEqual(['a\uFFFD', 'b']);
    const outcome = tryDecodeAll(lines({ fatal: true }), [bad]);
    expect(outcome.frames).toEqual([]);
    expect(outcome.error).toMatchObject({ code: 'ERR_DECODE', name: 'DecodeError' });
    expect((outcome.error as Error).cause).toBeInstanceOf(TypeError);
    expect(
      decodeAll(lines({ fatal: true }), [utf8.encode('é\n€\n'), Uint8Array.of(0xe2, 0x82), Uint8Array.of(0xac)]),
    ).toEqual(['é', '€', '€']);
  });

  it('keeps a byte-order mark and decodes other encodings', () => {
    expect(decodeAll(lines(), [Uint8Array.of(0xef, 0xbb, 0xbf, 0x61, 0x0a)])).toEqual(['\uFEFFa']);
    expect(decodeAll(lines({ encoding: 'latin1' }), [Uint8Array.of(0xe9, 0x0a)])).toEqual(['é']);
  });

  it('encodes a line with its delimiter and refuses lines it could not give back', () => {
    expect(lines().encoder().encode('héllo')).toEqual(utf8.encode('héllo\n'));
    expect(
      lines({ delimiter: Uint8Array.of(0xff, 0) })
        .encoder()
        .encode('a'),
    ).toEqual(Uint8Array.of(0x61, 0xff, 0));
    const refuse = (options: LinesOptions, text: string, code: string) =>
      expect(() => lines(options).encoder().encode(text)).toThrow(expect.objectContaining({ code }));
    refuse({}, 'two\nlines', 'ERR_ENCODE');
    refuse({}, 'ends in CR\r', 'ERR_ENCODE');
    refuse({ delimiter: 'aa' }, 'xa', 'ERR_ENCODE'); // 'xa' + 'aa' would split after 'x'
    refuse({ maxFrameLength: 3 }, 'four', 'ERR_FRAME_TOO_LONG');
    refuse({ maxFrameLength: 3 }, 'éé', 'ERR_FRAME_TOO_LONG'); // 4 bytes
    refuse({ encoding: 'utf-16le' }, 'a', 'ERR_ENCODE');
    expect(lines({ stripCR: false }).encoder().encode('a\r')).toEqual(utf8.encode('a\r\n'));
  });

  it('rejects options of the wrong kind with ERR_INVALID_ARG (a TypeError), numbers out of range with ERR_OUT_OF_RANGE (a RangeError)', () => {
    for (const options of [{ delimiter: '' }, { encoding: 'klingon' }, { fatal: 'yes' as never }]) {
      expect(() => lines(options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
      expect(() => lines(options)).toThrow(TypeError);
    }
    for (const options of [{ maxFrameLength: -1 }, { maxFrameLength: 1.5 }]) {
      expect(() => lines(options)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => lines(options)).toThrow(RangeError);
    }
  });
});
