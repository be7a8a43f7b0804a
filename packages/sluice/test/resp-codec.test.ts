/**
 * The worked custom codec of examples/resp-codec.ts, held to the same
 * standard as the built-in codecs: any chunking decodes the same, limits are
 * checked on headers, the encoder refuses what the decoder refuses, and
 * decoding stays linear however small the chunks. Uses the codec package's
 * shared chunking helper.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RespError, type RespValue, resp } from '../../../examples/resp-codec.js';
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

const ascii = new TextEncoder();
const wire = (text: string) => ascii.encode(text);
const codeOf = (outcome: { error?: unknown }) => (outcome.error as { code?: string } | undefined)?.code;

/** Values that survive an encode/decode round trip unchanged (strings come back as strings with `bulk: 'utf8'`). */
const value: fc.Arbitrary<RespValue> = fc.letrec<{ value: RespValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme' }),
    fc.maxSafeInteger(),
    fc.constant(null),
    fc
      .string()
      .filter((s) => !/[\r\n]/.test(s))
      .map((message) => new RespError(message)),
    fc.array(tie('value'), { maxLength: 4 }),
  ),
})).value;

describe('resp (examples/resp-codec.ts)', () => {
  it('decoding encoded values under any chunking gives the values back', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 8 }), arbitraryCuts(), (values, cuts) => {
        const bytes = encodeAll(resp(), values);
        expect(decodeAll(resp(), rechunk(bytes, cuts))).toEqual(values);
      }),
      runs(200),
    );
  });

  it('reads every RESP2 reply type, cut in every standard way', () => {
    const replies =
      '+OK\r\n-ERR no such key\r\n:-42\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n*2\r\n*1\r\n:1\r\n$2\r\nhi\r\n:9007199254740993\r\n';
    const expected = [
      'OK',
      new RespError('ERR no such key'),
      -42,
      'hello',
      '',
      null,
      null,
      [],
      [[1], 'hi'],
      9007199254740993n,
    ];
    for (const cuts of STANDARD_CUTS) expect(decodeAll(resp(), rechunk(wire(replies), cuts))).toEqual(expected);
  });

  it('encodes a command as an array of bulk strings, as Redis expects', () => {
    expect(new TextDecoder().decode(resp().encoder().encode(['SET', 'k', 'v']))).toBe(
      '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n',
    );
  });

  it("with bulk: 'bytes', hands out views of the received chunk, not copies", () => {
    const chunk = wire('$3\r\nabc\r\n');
    const [frame] = decodeChunk(resp({ bulk: 'bytes' }).decoder(), chunk) as [Uint8Array];
    expect(frame).toEqual(wire('abc'));
    expect(frame.buffer).toBe(chunk.buffer);
  });

  it('refuses an oversized bulk string from its header alone, before the payload arrives', () => {
    const decoder = resp({ maxFrameLength: 1024 }).decoder();
    expect(() => decodeChunk(decoder, wire('$2000000000\r\n'))).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG' }),
    );
  });

  it('refuses a value that grows past maxFrameLength while it arrives, and an unterminated line past it', () => {
    const items = wire(`*1000000\r\n${':1\r\n'.repeat(400)}`);
    expect(codeOf(tryDecodeAll(resp({ maxFrameLength: 1024 }), rechunk(items, [7, 300, 900])))).toBe(
      'ERR_FRAME_TOO_LONG',
    );
    expect(codeOf(tryDecodeAll(resp({ maxFrameLength: 1024 }), [wire(`+${'x'.repeat(2000)}`)]))).toBe(
      'ERR_FRAME_TOO_LONG',
    );
  });

  it('bounds the nesting depth', () => {
    expect(codeOf(tryDecodeAll(resp({ maxDepth: 32 }), [wire('*1\r\n'.repeat(40))]))).toBe('ERR_DECODE');
    expect(decodeAll(resp({ maxDepth: 3 }), [wire('*1\r\n*1\r\n*1\r\n:7\r\n')])).toEqual([[[[7]]]]);
  });

  it('refuses malformed input and input that ends inside a value', () => {
    const code = (text: string) => codeOf(tryDecodeAll(resp(), rechunk(wire(text), 'bytewise')));
    expect(code('?what\r\n')).toBe('ERR_DECODE');
    expect(code('+no carriage return\n')).toBe('ERR_DECODE');
    expect(code('$3\r\nabcd\r\n')).toBe('ERR_DECODE');
    expect(code(':12x\r\n')).toBe('ERR_DECODE');
    expect(code('$-2\r\n')).toBe('ERR_DECODE');
    expect(code('$5\r\nhel')).toBe('ERR_TRUNCATED_FRAME');
    expect(code('*2\r\n:1\r\n')).toBe('ERR_TRUNCATED_FRAME');
    expect(code('+OK')).toBe('ERR_TRUNCATED_FRAME');
  });

  it('pushes the values before a malformed one, then throws at once', () => {
    const values: RespValue[] = [];
    expect(() => resp().decoder().decode(wire(':1\r\n+OK\r\n?bad\r\n:2\r\n'), values)).toThrow(
      expect.objectContaining({ code: 'ERR_DECODE' }),
    );
    expect(values).toEqual([1, 'OK']);
  });

  it('the encoder refuses what the decoder would refuse', () => {
    const encoder = resp({ maxFrameLength: 64, maxDepth: 2 }).encoder();
    expect(() => encoder.encode('x'.repeat(100))).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG' }));
    expect(() => encoder.encode([[[1]]])).toThrow(expect.objectContaining({ code: 'ERR_ENCODE' }));
    expect(() => encoder.encode(new RespError('two\nlines'))).toThrow(expect.objectContaining({ code: 'ERR_ENCODE' }));
    expect(() => encoder.encode(1.5)).toThrow(expect.objectContaining({ code: 'ERR_ENCODE' }));
  });

  it('decodes an 8 MiB bulk string and a 100,000-item array arriving in 1 KiB pieces in linear time', () => {
    const pieces = (bytes: Uint8Array) =>
      Array.from({ length: Math.ceil(bytes.length / 1024) }, (_, i) => bytes.subarray(i * 1024, (i + 1) * 1024));
    const big = 'x'.repeat(8 * 1024 * 1024);
    const started = performance.now();
    const [bulk] = decodeAll(resp(), pieces(resp().encoder().encode(big)));
    const array = decodeAll(resp(), pieces(wire(`*100000\r\n${':1\r\n'.repeat(100_000)}`)));
    const elapsed = performance.now() - started;
    expect(bulk).toBe(big);
    expect((array[0] as number[]).length).toBe(100_000);
    // Re-copying the buffered input on every piece would take minutes; linear decoding takes milliseconds.
    expect(elapsed).toBeLessThan(5000);
  });
});
