import { type Codec, json, lengthPrefixed, lines } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbitraryCuts,
  decodeAll,
  decodeChunk,
  encodeAll,
  rechunk,
  runs,
  tryDecodeAll,
} from '../../../test-support/chunking.js';
import { netstring } from './support/netstring.js';

const utf8 = new TextEncoder();
const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const framings: [string, () => Codec<unknown>][] = [
  ['NDJSON', () => json()],
  ['a 4-byte length prefix', () => json({ framing: lengthPrefixed() })],
  ['a varint prefix', () => json({ framing: lengthPrefixed({ width: 'varint' }) })],
  ['NUL-delimited lines', () => json({ framing: lines({ delimiter: '\0' }) })],
  ['netstrings (a custom byte framing)', () => json({ framing: netstring() })],
];

describe('json', () => {
  for (const [name, make] of framings) {
    it(`decoding encoded values over ${name} under any chunking gives the values back`, () => {
      fc.assert(
        fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 10 }), arbitraryCuts(), (values, cuts) => {
          const codec = make();
          const wire = encodeAll(codec, values);
          expect(decodeAll(codec, rechunk(wire, cuts))).toEqual(values.map(roundTrip));
        }),
        runs(100),
      );
    });
  }

  it('encodes one value per line, with no raw newline inside', () => {
    const bytes = json()
      .encoder()
      .encode({ text: 'two\nlines', list: [1, 2] });
    expect(new TextDecoder().decode(bytes)).toBe('{"text":"two\\nlines","list":[1,2]}\n');
  });

  it('throws ERR_DECODE on invalid JSON, with the parser error as cause, after the values before it', () => {
    const outcome = tryDecodeAll(json(), [utf8.encode('1\n{oops}\n2\n')]);
    expect(outcome.frames).toEqual([1]);
    expect(outcome.error).toMatchObject({ code: 'ERR_DECODE', name: 'DecodeError', cause: expect.any(SyntaxError) });
    const bytes = tryDecodeAll(json({ framing: lengthPrefixed({ width: 1 }) }), [Uint8Array.of(1, 0xff)]);
    expect(bytes.error).toMatchObject({ code: 'ERR_DECODE', message: 'Invalid UTF-8 in a 1-byte JSON frame' });
  });

  it('skips blank lines', () => {
    expect(decodeAll(json(), [utf8.encode('\n1\n  \n\r\n2')])).toEqual([1, 2]);
  });

  it('refuses values JSON cannot represent with ERR_ENCODE', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const value of [undefined, () => 1, Symbol('s'), 1n, cyclic]) {
      expect(() => json().encoder().encode(value)).toThrow(expect.objectContaining({ code: 'ERR_ENCODE' }));
    }
  });

  it('applies reviver and replacer', () => {
    const codec = json<{ at: Date | string }>({
      reviver: (key, value) => (key === 'at' ? new Date(value as string) : value),
      replacer: (key, value) => (key === 'secret' ? undefined : value),
    });
    const bytes = codec.encoder().encode({ at: '2024-01-01T00:00:00.000Z', secret: 1 } as never);
    expect(new TextDecoder().decode(bytes)).toBe('{"at":"2024-01-01T00:00:00.000Z"}\n');
    expect(decodeChunk(codec.decoder(), bytes)).toEqual([{ at: new Date('2024-01-01T00:00:00.000Z') }]);
  });

  it('valid JSON nested too deeply for the reviver is an ERR_DECODE saying so, not "Invalid JSON"', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const revived = json({ reviver: (_key, value) => value }).decoder();
    expect(() => decodeChunk(revived, utf8.encode(deep))).toThrow(
      expect.objectContaining({
        code: 'ERR_DECODE',
        message: expect.stringMatching(/^Valid JSON in a 200000-character frame nests too deeply for the reviver/),
      }),
    );
    // Without a reviver the same value decodes; truly invalid JSON is still called invalid.
    expect(decodeChunk(json().decoder(), utf8.encode(deep))).toHaveLength(1);
    expect(() => decodeChunk(json({ reviver: (_key, value) => value }).decoder(), utf8.encode('[1,\n'))).toThrow(
      /^Invalid JSON in a 3-character frame/,
    );
  });

  it('a reviver that throws is an ERR_DECODE naming the reviver, with its error as cause', () => {
    const failure = new Error('no dates here');
    const codec = json({
      reviver: () => {
        throw failure;
      },
    });
    expect(() => decodeChunk(codec.decoder(), utf8.encode('{"a":1}\n'))).toThrow(
      expect.objectContaining({
        code: 'ERR_DECODE',
        message: 'The reviver threw on a 7-character JSON frame: no dates here',
        cause: failure,
      }),
    );
  });

  it('limits NDJSON lines with maxFrameLength, which only the default framing takes', () => {
    const outcome = tryDecodeAll(json({ maxFrameLength: 8 }), [utf8.encode('"123456789"\n')]);
    expect(outcome.error).toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    expect(() => json({ framing: lengthPrefixed(), maxFrameLength: 8 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
  });

  it('hands a custom string framing strings when told frames: "string"', () => {
    const seen: unknown[] = [];
    const base = lines();
    const custom: Codec<string> = {
      decoder: () => base.decoder(),
      encoder: () => ({ encode: (frame: string) => (seen.push(frame), base.encoder().encode(frame)) }),
    };
    json({ framing: custom, frames: 'string' }).encoder().encode({ a: 1 });
    expect(seen).toEqual(['{"a":1}']);
  });
});
