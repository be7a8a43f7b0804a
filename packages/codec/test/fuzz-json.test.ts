/**
 * json() against hostile input: values nested 100k and 500k deep, unclosed
 * brackets, `"__proto__"` keys, and invalid UTF-8. The promises under test, as
 * SECURITY.md states them: only coded errors (`ERR_DECODE`), never a stack
 * overflow; no prototype polluted; invalid UTF-8 refused under every framing.
 */
import { json, lengthPrefixed, lines } from '@sluice/codec';
import { describe, expect, it } from 'vitest';
import { concatBytes, decodeChunk, rechunk, tryDecodeAll } from '../../../test-support/chunking.js';
import { codeOf, utf8 } from './support/fuzz.js';

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
