/**
 * Decoders against hostile input: arbitrary and adversarial bytes (huge
 * headers, endless lines and varints, invalid UTF-8, deep JSON), cut at any
 * place. The promises under test, as SECURITY.md states them:
 *
 * - a decoder only ever throws a coded error (`ERR_FRAME_TOO_LONG`,
 *   `ERR_TRUNCATED_FRAME`, `ERR_DECODE`), never a bare `RangeError`,
 *   `TypeError` or stack overflow;
 * - it fails as soon as the input crosses a limit, so it never holds more than
 *   the limit plus the chunk in hand, and keeps no chunk it no longer needs;
 * - it never hangs, and the outcome does not depend on how the bytes were cut.
 *
 * Runs are raised with FC_NUM_RUNS.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Codec, json, lengthPrefixed, lines, text } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbitraryCuts,
  concatBytes,
  decodeChunk,
  endFrames,
  rechunk,
  runs,
  tryDecodeAll,
} from '../../../test-support/chunking.js';

const utf8 = new TextEncoder();
const CODED = ['ERR_FRAME_TOO_LONG', 'ERR_TRUNCATED_FRAME', 'ERR_DECODE'];
const KiB = 1024;
const MiB = 1024 * KiB;

/** The error's code, or a description of an uncoded error that the assertion will print. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && CODED.includes(code)) return code;
  return `uncoded ${String((error as Error)?.name)}: ${String((error as Error)?.message).slice(0, 200)}`;
}

interface Subject {
  name: string;
  codec: Codec<unknown, never>;
  /**
   * What must not depend on chunking. text() pieces do, their concatenation
   * does not; and since text() is unframed, what it yields before an error
   * depends on where the chunk holding the bad byte began, so only the error
   * is compared then.
   */
  normalize?: (frames: unknown[], failed: boolean) => unknown[];
}

const joined = (frames: unknown[], failed: boolean) => (failed ? [] : [frames.join('')]);

/** Every built-in decoder, with small limits so that fuzzed input reaches them. */
const subjects: Subject[] = [
  ...([1, 2, 4, 8] as const).flatMap((width) =>
    (['be', 'le'] as const).map((endian) => ({
      name: `lengthPrefixed width ${width} ${endian}`,
      codec: lengthPrefixed({ width, endian, maxFrameLength: 100 }),
    })),
  ),
  { name: 'lengthPrefixed varint', codec: lengthPrefixed({ width: 'varint', maxFrameLength: 100 }) },
  {
    name: 'lengthPrefixed includes header',
    codec: lengthPrefixed({ width: 2, lengthIncludesHeader: true, maxFrameLength: 100 }),
  },
  { name: 'lengthPrefixed default limits', codec: lengthPrefixed() },
  { name: 'lines', codec: lines({ maxFrameLength: 100 }) },
  { name: 'lines fatal', codec: lines({ maxFrameLength: 100, fatal: true }) },
  {
    name: 'lines CRLF, strict end',
    codec: lines({ delimiter: '\r\n', maxFrameLength: 100, allowUnterminated: false }),
  },
  { name: 'lines default limits', codec: lines() },
  { name: 'text', codec: text(), normalize: joined },
  { name: 'text fatal', codec: text({ fatal: true }), normalize: joined },
  { name: 'json (NDJSON)', codec: json({ maxFrameLength: 200 }) },
  {
    name: 'json over lengthPrefixed varint',
    codec: json({ framing: lengthPrefixed({ width: 'varint', maxFrameLength: 200 }) }),
  },
];

/** Pieces hostile input is made of: headers at and past every limit, delimiters, broken UTF-8, JSON openers. */
const hostilePiece = fc.oneof(
  fc.uint8Array({ maxLength: 48 }),
  fc
    .constantFrom(
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // the largest fixed header
      [0x00, 0x00, 0x00, 0x64], // exactly 100
      [0x00, 0x00, 0x00, 0x65], // 101, one past the limit
      [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80], // an endless varint
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], // a varint past 2^53
      [0x0a],
      [0x0d],
      [0x0d, 0x0a],
      [0xc3], // a lone lead byte
      [0xed, 0xa0, 0x80], // an encoded surrogate
      [0xf8, 0x88, 0x80, 0x80, 0x80], // a five-byte form
      [0xef, 0xbb, 0xbf], // a BOM
      [0xf0, 0x9f, 0x98], // a truncated emoji
    )
    .map((bytes) => Uint8Array.from(bytes)),
  fc
    .tuple(fc.constantFrom('[', '{"a":', '"\\u', 'x', '1e99999', '{"__proto__":'), fc.integer({ min: 1, max: 300 }))
    .map(([unit, times]) => utf8.encode(unit.repeat(times))),
);
const hostileBytes = fc.array(hostilePiece, { maxLength: 16 }).map(concatBytes);
const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 512 }), hostileBytes);

describe('every decoder on arbitrary and hostile bytes', () => {
  for (const { name, codec, normalize = (frames: unknown[]) => frames } of subjects) {
    it(`${name}: throws only coded errors, and the outcome does not depend on chunking`, () => {
      fc.assert(
        fc.property(anyBytes, arbitraryCuts(), (bytes, cuts) => {
          const whole = tryDecodeAll(codec, rechunk(bytes, 'whole'));
          const cut = tryDecodeAll(codec, rechunk(bytes, cuts));
          const bytewise = tryDecodeAll(codec, rechunk(bytes, 'bytewise'));
          for (const outcome of [whole, cut, bytewise]) {
            if (outcome.error !== undefined) expect(codeOf(outcome.error)).toMatch(/^ERR_/);
          }
          const summary = (o: typeof whole) => ({
            frames: normalize(o.frames, o.error !== undefined),
            error: o.error === undefined ? undefined : codeOf(o.error),
          });
          expect(summary(cut)).toEqual(summary(whole));
          expect(summary(bytewise)).toEqual(summary(whole));
        }),
        runs(300),
      );
    });
  }
});

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

describe('bounded memory on endless input', () => {
  const chunk = new Uint8Array(64 * KiB).fill(0x61); // one buffer, fed again and again: 100 MiB of input, no allocation
  const hundredMiB = (100 * MiB) / chunk.length;

  const endless: { name: string; codec: Codec<unknown, never>; limit: number }[] = [
    { name: 'lines (default 64 KiB)', codec: lines(), limit: 64 * KiB },
    { name: 'lines fatal, CRLF', codec: lines({ delimiter: '\r\n', fatal: true }), limit: 64 * KiB },
    { name: 'lines 1 MiB', codec: lines({ maxFrameLength: MiB }), limit: MiB },
    { name: 'json (NDJSON, default 1 MiB)', codec: json(), limit: MiB },
    { name: 'lengthPrefixed (default 16 MiB)', codec: lengthPrefixed(), limit: 16 * MiB },
  ];

  for (const { name, codec, limit } of endless) {
    it(`${name}: 100 MiB of one endless frame in 64 KiB chunks fails with ERR_FRAME_TOO_LONG within limit + one chunk`, () => {
      const decoder = codec.decoder();
      // lengthPrefixed: announce the largest frame allowed, then send more than it.
      const start =
        codec.name === 'lengthPrefixed' ? decodeChunk(decoder, headerBytes(limit, 4, 'be').subarray(0, 4)) : [];
      expect(start).toEqual([]);
      let fed = 0;
      let error: unknown;
      for (let i = 0; i < hundredMiB && error === undefined; i++) {
        fed += chunk.length;
        try {
          const frames = decodeChunk(decoder, chunk);
          // lengthPrefixed completes its frame and reads 'aaaa' as the next header: far past the limit.
          if (frames.length > 0) expect(frames.map((f) => (f as Uint8Array).length)).toEqual([limit]);
        } catch (caught) {
          error = caught;
        }
      }
      expect(codeOf(error)).toBe('ERR_FRAME_TOO_LONG');
      expect(fed).toBeLessThanOrEqual(limit + chunk.length + (codec.name === 'lengthPrefixed' ? chunk.length : 0));
    });
  }

  it('lines, fed one byte at a time, fails on the first byte past maxFrameLength', () => {
    const decoder = lines({ maxFrameLength: 1000, stripCR: false }).decoder();
    const byte = Uint8Array.of(0x62);
    let fed = 0;
    expect(() => {
      for (;;) {
        fed++;
        decodeChunk(decoder, byte);
      }
    }).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG' }));
    expect(fed).toBe(1001);
  });

  it('text() holds at most one partial character, whatever arrives', () => {
    const decoder = text().decoder();
    const garbage = new Uint8Array(64 * KiB).fill(0x9f); // lone continuation bytes: each one U+FFFD
    let out = 0;
    for (let i = 0; i < 256; i++) for (const piece of decodeChunk(decoder, garbage) as string[]) out += piece.length;
    // Every byte came out of the chunk that brought it: nothing accumulates inside the decoder.
    expect(out).toBe(256 * garbage.length);
    expect(() => decodeChunk(text({ fatal: true }).decoder(), garbage)).toThrow(
      expect.objectContaining({ code: 'ERR_DECODE' }),
    );
  });

  it('a decoder keeps no chunk it no longer needs: live input stays within limit + two chunks', async () => {
    const gc = exposeGc();
    const cases: { codec: Codec<unknown, never>; limit: number; wire: Uint8Array }[] = [
      // Lines of 200 KiB (limit 256 KiB) that span many 4 KiB chunks.
      {
        codec: lines({ maxFrameLength: 256 * KiB }),
        limit: 256 * KiB,
        wire: repeatFrame(utf8.encode(`${'x'.repeat(200 * KiB)}\n`), 20),
      },
      // Frames of 200 KiB behind a varint, same.
      {
        codec: lengthPrefixed({ width: 'varint', maxFrameLength: 256 * KiB }),
        limit: 256 * KiB,
        wire: repeatFrame(
          lengthPrefixed({ width: 'varint' })
            .encoder()
            .encode(new Uint8Array(200 * KiB)),
          20,
        ),
      },
    ];
    for (const { codec, limit, wire } of cases) {
      const chunkSize = 4 * KiB;
      const decoder = codec.decoder();
      const refs: WeakRef<Uint8Array>[] = [];
      let peak = 0;
      for (let offset = 0, n = 0; offset < wire.length; offset += chunkSize, n++) {
        const piece = wire.slice(offset, offset + chunkSize); // a fresh buffer, as a socket gives
        refs.push(new WeakRef(piece));
        decodeChunk(decoder, piece); // frames are dropped at once, as a consumer that is done with them would
        if (n % 37 === 0) {
          await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets stay alive until the job ends
          gc();
          const live = refs.reduce((sum, ref) => sum + (ref.deref()?.byteLength ?? 0), 0);
          peak = Math.max(peak, live);
        }
      }
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(limit + 2 * chunkSize);
    }
  });
});

describe('deep and hostile JSON', () => {
  const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('100k unclosed "[" is an ERR_DECODE, not a stack overflow', () => {
    const decoder = json().decoder();
    expect(() => decodeChunk(decoder, utf8.encode(`${'['.repeat(100_000)}\n`))).toThrow(
      expect.objectContaining({ code: 'ERR_DECODE' }),
    );
  });

  it('values nested 100k and 500k deep decode to a value or a coded error, with or without a reviver', () => {
    const codecs = [
      json(),
      json({ reviver: (_key, value) => value }),
      json({ framing: lengthPrefixed() }),
      json({ framing: lengthPrefixed(), reviver: (_key, value) => value }),
    ];
    for (const depth of [100_000, 500_000]) {
      for (const codec of codecs) {
        const wire =
          codec.name === 'ndjson'
            ? utf8.encode(`${deep(depth)}\n`)
            : lengthPrefixed()
                .encoder()
                .encode(utf8.encode(deep(depth)));
        const outcome = tryDecodeAll(codec, rechunk(wire, [1, 4096, 65_536]));
        if (outcome.error !== undefined) expect(codeOf(outcome.error)).toBe('ERR_DECODE');
        else expect(outcome.frames).toHaveLength(1);
      }
    }
  });

  it('"__proto__" keys stay own data: decoding pollutes no prototype', () => {
    const [value] = decodeChunk(
      json<Record<string, unknown>>().decoder(),
      utf8.encode('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}\n'),
    ) as [Record<string, unknown>];
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('invalid UTF-8 inside a JSON frame is ERR_DECODE over byte framings and fatal lines', () => {
    const bad = Uint8Array.of(0x22, 0xc3, 0x28, 0x22); // "\xc3(" : a lead byte without its continuation
    const line = concatBytes([bad, Uint8Array.of(0x0a)]);
    expect(() => decodeChunk(json({ framing: lines({ fatal: true }) }).decoder(), line)).toThrow(
      expect.objectContaining({ code: 'ERR_DECODE' }),
    );
    expect(() =>
      decodeChunk(json({ framing: lengthPrefixed() }).decoder(), lengthPrefixed().encoder().encode(bad)),
    ).toThrow(expect.objectContaining({ code: 'ERR_DECODE' }));
  });

  // json() documents ERR_DECODE for invalid UTF-8: its default NDJSON framing
  // is strict, so two different byte strings never decode to the same value.
  it('invalid UTF-8 is ERR_DECODE with the default NDJSON framing too', () => {
    const line = Uint8Array.of(0x22, 0xc3, 0x28, 0x22, 0x0a);
    expect(() => decodeChunk(json().decoder(), line)).toThrow(expect.objectContaining({ code: 'ERR_DECODE' }));
  });
});

describe('no hang: linear time on large frames arriving in small pieces', () => {
  it('a 16 MiB line and a 16 MiB frame, in 1 KiB chunks, decode in linear time', () => {
    const size = 16 * MiB;
    const line = new Uint8Array(size + 1).fill(0x61);
    line[size] = 0x0a;
    const frame = concatBytes([headerBytes(size, 4, 'be').subarray(0, 4), new Uint8Array(size)]);
    for (const [codec, wire] of [
      [lines({ maxFrameLength: size }), line],
      [lengthPrefixed(), frame],
    ] as const) {
      const started = performance.now();
      const decoder = (codec as Codec<unknown, never>).decoder();
      let frames = 0;
      for (let offset = 0; offset < wire.length; offset += KiB)
        frames += decodeChunk(decoder, wire.subarray(offset, offset + KiB)).length;
      frames += endFrames(decoder).length;
      expect(frames).toBe(1);
      // Linear work takes well under a second; re-scanning the buffered line per chunk would take minutes.
      expect(performance.now() - started).toBeLessThan(10_000);
    }
  }, 30_000);
});

/** A length field holding `value` (at most 10 bytes: varint, or `width` bytes then zeros). */
function headerBytes(value: number, width: 1 | 2 | 4 | 8 | 'varint', endian: 'be' | 'le'): Uint8Array {
  const out = new Uint8Array(10);
  if (width === 'varint') {
    let rest = value;
    let i = 0;
    while (rest >= 128) {
      out[i++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    out[i] = rest;
    return out.subarray(0, i + 1);
  }
  let rest = value;
  for (let i = 0; i < width; i++) {
    out[endian === 'le' ? i : width - 1 - i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** Where the chunk holding byte number `n` (1-based) ends, for a cutting of `length` bytes. */
function endOfChunkHolding(length: number, cuts: Parameters<typeof rechunk>[1], n: number): number {
  let end = 0;
  for (const piece of rechunk(new Uint8Array(length), cuts)) {
    end += piece.length;
    if (end >= n) return end;
  }
  return end;
}

function repeatFrame(frame: Uint8Array, times: number): Uint8Array {
  return concatBytes(Array.from({ length: times }, () => frame));
}

/** The engine's `gc()`, enabled at run time (vitest workers do not start with --expose-gc). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
