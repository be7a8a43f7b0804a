/**
 * Decoders against endless and very large input. The promises under test, as
 * SECURITY.md states them: a decoder fails as soon as the input crosses a
 * limit, so it never holds more than the limit plus the chunk in hand, and
 * keeps no chunk it no longer needs (checked with weak references after
 * garbage collection); `text()` holds at most one partial character; and large
 * frames arriving in small pieces decode in linear time, never hang.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Codec, json, lengthPrefixed, lines, text } from '@sluice/codec';
import { describe, expect, it } from 'vitest';
import { concatBytes, decodeChunk, endFrames } from '../../../test-support/chunking.js';
import { codeOf, headerBytes, KiB, MiB, utf8 } from './support/fuzz.js';

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

function repeatFrame(frame: Uint8Array, times: number): Uint8Array {
  return concatBytes(Array.from({ length: times }, () => frame));
}

/** The engine's `gc()`, enabled at run time (vitest workers do not start with --expose-gc). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
