import { type Codec, json, lengthPrefixed, lines, text } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryCuts, rechunk, runs, tryDecodeAll } from '../../../test-support/chunking.js';
import { netstring } from './support/netstring.js';

const CODES = new Set(['ERR_FRAME_TOO_LONG', 'ERR_TRUNCATED_FRAME', 'ERR_DECODE']);

const decoders: [string, Codec<unknown>][] = [
  ...([1, 2, 4, 8, 'varint'] as const).flatMap((width) =>
    (['be', 'le'] as const).map((endian): [string, Codec<unknown>] => [
      `lengthPrefixed width ${width} ${endian}`,
      lengthPrefixed({ width, endian, maxFrameLength: 64 }),
    ]),
  ),
  ['lengthPrefixed with Netty knobs', lengthPrefixed({ width: 2, lengthIncludesHeader: true, lengthAdjustment: -3 })],
  ['lines', lines({ maxFrameLength: 16 })],
  [
    'lines, fatal, CRLF delimiter, unterminated refused',
    lines({ fatal: true, delimiter: '\r\n', allowUnterminated: false }),
  ],
  ['text', text()],
  ['text, fatal', text({ fatal: true })],
  ['json (NDJSON)', json({ maxFrameLength: 32 })],
  ['json over lengthPrefixed', json({ framing: lengthPrefixed({ width: 1 }) })],
  ['netstring', netstring(64)],
];

describe('any bytes into any decoder', () => {
  for (const [name, codec] of decoders) {
    it(`${name}: yields frames or throws a coded error, under any chunking`, () => {
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc
          .array(fc.constantFrom(0, 1, 2, 0x0a, 0x0d, 0x22, 0x31, 0x3a, 0x2c, 0x7b, 0x80, 0xc3, 0xff), {
            maxLength: 200,
          })
          .map((b) => Uint8Array.from(b)),
      );
      fc.assert(
        fc.property(bytes, arbitraryCuts(), (input, cuts) => {
          const { error } = tryDecodeAll(codec, rechunk(input, cuts));
          if (error === undefined) return;
          expect(error).toBeInstanceOf(Error);
          expect(CODES).toContain((error as { code?: unknown }).code);
        }),
        runs(150),
      );
    });
  }
});
