/**
 * Every built-in decoder against arbitrary and hostile bytes (huge headers,
 * endless varints, delimiters, invalid UTF-8, JSON openers), cut at any place.
 * The promises under test, as SECURITY.md states them: a decoder only ever
 * throws a coded error (`ERR_FRAME_TOO_LONG`, `ERR_TRUNCATED_FRAME`,
 * `ERR_DECODE`), never a bare `RangeError`, `TypeError` or stack overflow; and
 * the outcome does not depend on how the bytes were cut.
 *
 * Runs are raised with FC_NUM_RUNS.
 */
import { type Codec, json, lengthPrefixed, lines, text } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryCuts, concatBytes, rechunk, runs, tryDecodeAll } from '../../../test-support/chunking.js';
import { codeOf, utf8 } from './support/fuzz.js';

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
