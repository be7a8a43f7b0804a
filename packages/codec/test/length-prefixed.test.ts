import { type LengthPrefixedOptions, lengthPrefixed } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbitraryCuts,
  concatBytes,
  decodeAll,
  decodeChunk,
  encodeAll,
  endFrames,
  rechunk,
  runs,
  STANDARD_CUTS,
  tryDecodeAll,
} from '../../../test-support/chunking.js';

type Width = 1 | 2 | 4 | 8 | 'varint';
interface Layout {
  width: Width;
  endian: 'be' | 'le';
  lengthIncludesHeader: boolean;
  lengthAdjustment: number;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Reference header bytes for a length field value, written with BigInt arithmetic. */
function naiveHeader(field: number, { width, endian }: Layout): number[] {
  const bytes: number[] = [];
  let value = BigInt(field);
  if (width === 'varint') {
    do {
      const low = Number(value & 0x7fn);
      value >>= 7n;
      bytes.push(value > 0n ? low | 0x80 : low);
    } while (value > 0n);
    return bytes;
  }
  for (let i = 0; i < width; i++, value >>= 8n) bytes.push(Number(value & 0xffn));
  return endian === 'be' ? bytes.reverse() : bytes;
}

/** The reference length field for a payload, or undefined if the layout cannot express it. */
function naiveField(size: number, layout: Layout): number[] | undefined {
  const sizes = layout.width === 'varint' ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : [layout.width];
  for (const h of sizes) {
    const field = size - layout.lengthAdjustment + (layout.lengthIncludesHeader ? h : 0);
    if (field < 0) return undefined;
    const header = naiveHeader(field, layout);
    const max = layout.width === 'varint' || layout.width === 8 ? MAX_SAFE : (1n << BigInt(8 * layout.width)) - 1n;
    if (BigInt(field) > max || header.length > (layout.width === 'varint' ? 10 : layout.width)) return undefined;
    if (!layout.lengthIncludesHeader || header.length === h) return header;
  }
  return undefined;
}

function naiveEncode(frames: Uint8Array[], layout: Layout): Uint8Array {
  return concatBytes(frames.flatMap((frame) => [Uint8Array.from(naiveField(frame.length, layout)!), frame]));
}

/** Reference whole-input parser: the frames, then the code of the first problem (if any). */
function naiveParse(bytes: Uint8Array, layout: Layout, max: number): { frames: Uint8Array[]; code?: string } {
  const frames: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    let value = 0n;
    let h = 0;
    if (layout.width === 'varint') {
      for (;;) {
        if (pos + h >= bytes.length) return { frames, code: 'ERR_TRUNCATED_FRAME' };
        const byte = bytes[pos + h]!;
        value |= BigInt(byte & 0x7f) << BigInt(7 * h);
        h++;
        if (value > MAX_SAFE) return { frames, code: 'ERR_FRAME_TOO_LONG' };
        if (byte < 0x80) break;
        if (h === 10) return { frames, code: 'ERR_DECODE' };
      }
    } else {
      h = layout.width;
      if (pos + h > bytes.length) return { frames, code: 'ERR_TRUNCATED_FRAME' };
      const header = Array.from(bytes.subarray(pos, pos + h));
      for (const byte of layout.endian === 'be' ? header : header.reverse()) value = (value << 8n) | BigInt(byte);
      if (value > MAX_SAFE) return { frames, code: 'ERR_FRAME_TOO_LONG' };
    }
    const size = Number(value) + layout.lengthAdjustment - (layout.lengthIncludesHeader ? h : 0);
    if (size > max) return { frames, code: 'ERR_FRAME_TOO_LONG' };
    if (size < 0) return { frames, code: 'ERR_DECODE' };
    if (pos + h + size > bytes.length) return { frames, code: 'ERR_TRUNCATED_FRAME' };
    frames.push(bytes.slice(pos + h, pos + h + size));
    pos += h + size;
  }
  return { frames };
}

const layoutArb: fc.Arbitrary<Layout> = fc.record({
  width: fc.constantFrom<Width>(1, 2, 4, 8, 'varint'),
  endian: fc.constantFrom<'be' | 'le'>('be', 'le'),
  lengthIncludesHeader: fc.boolean(),
  lengthAdjustment: fc.integer({ min: -12, max: 12 }),
});

const framesArb = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    // Payloads full of bytes that look like headers or delimiters.
    fc.uint8Array({ maxLength: 40 }).map((b) => b.map((x) => [0, 0x0a, 0x80, 0xff][x % 4]!)),
  ),
  { maxLength: 12 },
);

const expressible = (frames: Uint8Array[], layout: Layout) =>
  frames.every((frame) => naiveField(frame.length, layout) !== undefined);

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('lengthPrefixed', () => {
  it('decoding the encoded frames under any chunking gives the frames back, for every layout', () => {
    fc.assert(
      fc.property(layoutArb, framesArb, arbitraryCuts(), (layout, frames, cuts) => {
        fc.pre(expressible(frames, layout));
        const codec = lengthPrefixed(layout);
        const wire = encodeAll(codec, frames);
        expect(decodeAll(codec, rechunk(wire, cuts))).toEqual(frames);
      }),
      runs(300),
    );
  });

  it('encodes exactly as the reference encoder, and refuses exactly what the layout cannot express', () => {
    fc.assert(
      fc.property(layoutArb, fc.nat({ max: 300 }), (layout, size) => {
        const frame = new Uint8Array(size).fill(7);
        const header = naiveField(size, layout);
        const encode = () => lengthPrefixed(layout).encoder().encode(frame);
        if (header === undefined) {
          expect(encode).toThrow(
            expect.objectContaining({ code: expect.stringMatching(/^ERR_(FRAME_TOO_LONG|ENCODE)$/) }),
          );
        } else {
          expect(encode()).toEqual(concatBytes([Uint8Array.from(header), frame]));
        }
      }),
      runs(300),
    );
  });

  it('agrees with a naive whole-input parser on any bytes and any chunking (frames, then the same error)', () => {
    const segment = (layout: Layout) =>
      fc.oneof(
        framesArb.map((frames) =>
          naiveEncode(
            frames.filter((f) => naiveField(f.length, layout)),
            layout,
          ),
        ),
        fc.uint8Array({ maxLength: 12 }),
      );
    const input = layoutArb.chain((layout) =>
      fc.tuple(fc.constant(layout), fc.array(segment(layout), { maxLength: 5 }).map(concatBytes)),
    );
    fc.assert(
      fc.property(input, fc.nat({ max: 400 }), arbitraryCuts(), ([layout, wire], max, cuts) => {
        const expected = naiveParse(wire, layout, max);
        const actual = tryDecodeAll(lengthPrefixed({ ...layout, maxFrameLength: max }), rechunk(wire, cuts));
        expect(actual.frames).toEqual(expected.frames);
        expect((actual.error as { code?: string } | undefined)?.code).toBe(expected.code);
      }),
      runs(400),
    );
  });

  it('returns frames inside a chunk as views of it, and copies with copy: true', () => {
    const chunk = bytes(0, 2, 0x61, 0x62, 0, 1, 0x63);
    const [a, b] = decodeChunk(lengthPrefixed({ width: 2 }).decoder(), chunk);
    expect(a).toEqual(bytes(0x61, 0x62));
    expect(a!.buffer).toBe(chunk.buffer);
    expect(b!.byteOffset).toBe(6);
    const [copied] = decodeChunk(lengthPrefixed({ width: 2, copy: true }).decoder(), chunk);
    expect(copied).toEqual(bytes(0x61, 0x62));
    expect(copied!.buffer).not.toBe(chunk.buffer);
    // Also for a Node Buffer, whose slice() would be a view.
    const buffer = Buffer.from(chunk);
    const [own] = decodeChunk(lengthPrefixed({ width: 2, copy: true }).decoder(), buffer);
    buffer.fill(0);
    expect(own).toEqual(bytes(0x61, 0x62));
  });

  it('assembles a frame spanning chunks into one buffer of exactly its size', () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const wire = lengthPrefixed().encoder().encode(payload);
    const decoder = lengthPrefixed().decoder();
    const frames = rechunk(wire, [2, 100, 700]).flatMap((chunk) => decodeChunk(decoder, chunk));
    expect(frames).toEqual([payload]);
    expect(frames[0]!.buffer.byteLength).toBe(1000);
    expect(endFrames(decoder)).toEqual([]);
  });

  it('reads a header split across chunks for every width', () => {
    for (const width of [1, 2, 4, 8, 'varint'] as const) {
      const codec = lengthPrefixed({ width });
      const wire = codec.encoder().encode(new Uint8Array(200).fill(9));
      for (const frames of STANDARD_CUTS.map((cuts) => decodeAll(codec, rechunk(wire, cuts)))) {
        expect(frames).toEqual([new Uint8Array(200).fill(9)]);
      }
    }
  });

  it('refuses a huge length from the header alone, before any payload arrives', () => {
    const tooLong = { code: 'ERR_FRAME_TOO_LONG', size: 0xffff_ffff, limit: 16 * 1024 * 1024 };
    expect(() => decodeChunk(lengthPrefixed().decoder(), bytes(0xff, 0xff, 0xff, 0xff))).toThrow(
      expect.objectContaining(tooLong),
    );
    const le = lengthPrefixed({ width: 4, endian: 'le', maxFrameLength: 1000 }).decoder();
    expect(() => decodeChunk(le, bytes(0xe9, 0x03, 0, 0))).toThrow(
      expect.objectContaining({ size: 1001, limit: 1000 }),
    );
    const wide = lengthPrefixed({ width: 8 }).decoder();
    expect(() => decodeChunk(wide, new Uint8Array(8).fill(0xff))).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG' }),
    );
    // Also when the header itself arrives byte by byte.
    const split = lengthPrefixed({ maxFrameLength: 10 }).decoder();
    for (const byte of [0, 0, 0]) expect(decodeChunk(split, bytes(byte))).toEqual([]);
    expect(() => decodeChunk(split, bytes(11))).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG' }));
  });

  it('refuses an endless varint within 10 bytes, whatever its bytes', () => {
    for (const filler of [0x80, 0xff, 0x81]) {
      const decoder = lengthPrefixed({ width: 'varint' }).decoder();
      let fed = 0;
      const feed = () => {
        for (; fed < 1000; fed++) decodeChunk(decoder, bytes(filler));
      };
      expect(feed).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_(DECODE|FRAME_TOO_LONG)$/) }));
      expect(fed).toBeLessThan(10);
    }
    expect(() => decodeChunk(lengthPrefixed({ width: 'varint' }).decoder(), new Uint8Array(10).fill(0x80))).toThrow(
      expect.objectContaining({ code: 'ERR_DECODE', message: 'Invalid varint: longer than 10 bytes' }),
    );
  });

  it('reports input ending inside a frame as ERR_TRUNCATED_FRAME with the bytes buffered', () => {
    const cases: [Uint8Array, number][] = [
      [bytes(0, 0, 0, 5, 1, 2), 6],
      [bytes(0, 0), 2],
      [bytes(0, 0, 0, 1), 4],
    ];
    for (const [input, buffered] of cases) {
      for (const cuts of STANDARD_CUTS) {
        const outcome = tryDecodeAll(lengthPrefixed(), rechunk(input, cuts));
        expect(outcome.error).toMatchObject({ code: 'ERR_TRUNCATED_FRAME', name: 'TruncatedFrameError', buffered });
      }
    }
  });

  it('applies lengthIncludesHeader and lengthAdjustment as Netty does', () => {
    const hi = bytes(0x68, 0x69);
    expect(lengthPrefixed({ width: 2, lengthIncludesHeader: true }).encoder().encode(hi)).toEqual(
      bytes(0, 4, 0x68, 0x69),
    );
    // A length field that also counts a 2-byte trailer: adjust by -2.
    const trailer = lengthPrefixed({ width: 1, lengthAdjustment: -2 });
    expect(trailer.encoder().encode(hi)).toEqual(bytes(4, 0x68, 0x69));
    expect(decodeChunk(trailer.decoder(), bytes(4, 0x68, 0x69, 2))).toEqual([hi, new Uint8Array(0)]);
    // A varint that counts itself: 127 bytes + 2-byte header = 129.
    const varint = lengthPrefixed({ width: 'varint', lengthIncludesHeader: true });
    expect(varint.encoder().encode(new Uint8Array(127)).subarray(0, 2)).toEqual(bytes(0x81, 0x01));
  });

  it('refuses a length field that gives a negative payload with ERR_DECODE', () => {
    const decoder = lengthPrefixed({ width: 2, lengthIncludesHeader: true }).decoder();
    expect(() => decodeChunk(decoder, bytes(0, 1))).toThrow(expect.objectContaining({ code: 'ERR_DECODE' }));
  });

  it('refuses frames the decoder would refuse or the width cannot express', () => {
    expect(() => lengthPrefixed({ width: 1 }).encoder().encode(new Uint8Array(256))).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG', size: 256, limit: 255 }),
    );
    expect(lengthPrefixed({ width: 1 }).encoder().encode(new Uint8Array(255))).toHaveLength(256);
    expect(() => lengthPrefixed({ maxFrameLength: 10 }).encoder().encode(new Uint8Array(11))).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG', size: 11, limit: 10 }),
    );
    expect(() =>
      lengthPrefixed({ width: 2, lengthIncludesHeader: true }).encoder().encode(new Uint8Array(65534)),
    ).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG', limit: 65533 }));
    expect(() => lengthPrefixed({ lengthAdjustment: 5 }).encoder().encode(new Uint8Array(3))).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODE', name: 'EncodeError' }),
    );
  });

  it('pushes the frames before a bad header, then throws at once', () => {
    const decoder = lengthPrefixed({ width: 1, maxFrameLength: 5 }).decoder();
    const frames: Uint8Array[] = [];
    expect(() => decoder.decode(bytes(1, 0x61, 2, 0x62, 0x63, 9, 0, 0), frames)).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG', size: 9 }),
    );
    expect(frames).toEqual([bytes(0x61), bytes(0x62, 0x63)]);
  });

  it('rejects options of the wrong kind with ERR_INVALID_ARG, numbers out of range with ERR_OUT_OF_RANGE', () => {
    const wrongKind: LengthPrefixedOptions[] = [
      { width: 3 as never },
      { endian: 'middle' as never },
      { copy: 1 as never },
    ];
    for (const options of wrongKind)
      expect(() => lengthPrefixed(options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    const outOfRange: LengthPrefixedOptions[] = [
      { maxFrameLength: -1 },
      { maxFrameLength: Infinity },
      { lengthAdjustment: 0.5 },
    ];
    for (const options of outOfRange)
      expect(() => lengthPrefixed(options)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});

describe('lengthPrefixed memory', () => {
  it('reserves nothing on the word of a header: 100 stalled peers announcing 16 MiB hold only what they sent', () => {
    const before = process.memoryUsage().arrayBuffers;
    const header = Uint8Array.of(0x00, 0xff, 0xff, 0xff); // 16 MiB - 1, within the default limit
    const decoders = Array.from({ length: 100 }, () => {
      const decoder = lengthPrefixed().decoder();
      expect(decodeChunk(decoder, concatBytes([header, new Uint8Array(5)]))).toEqual([]);
      return decoder;
    });
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(16 * 1024 * 1024); // one announced frame's worth for all 100
    expect(decoders).toHaveLength(100);
  });
});
