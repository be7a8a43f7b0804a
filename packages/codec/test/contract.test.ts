/**
 * The decoder contract as a custom codec meets it: a decoder pushes its
 * frames onto the array it is given and throws at once on bad input; the
 * readers hand out the frames pushed before the throw, then the error,
 * without waiting for more input. A decoder written to the returning
 * contract of before 0.1.0 is refused with ERR_CODEC_CONTRACT, none of its
 * frames used.
 */
import { type Codec, checkDecoded, DecodeError, decode, decodeByChunk, json } from '@sluice/codec';
import { describe, expect, it } from 'vitest';

/** One-byte frames; a 0 byte is an error, thrown after the frames before it in its chunk are pushed. */
function bytesUntilZero(): Codec<number> {
  return {
    name: 'bytes-until-zero',
    decoder: () => ({
      decode(chunk, frames) {
        for (const byte of chunk) {
          if (byte === 0) throw new DecodeError('zero byte');
          frames.push(byte);
        }
      },
      end() {},
    }),
    encoder: () => ({ encode: (frame) => Uint8Array.of(frame) }),
  };
}

/** The same format, written to the old contract: frames returned, the array given ignored. */
function returningDecoder(): Codec<number> {
  return {
    name: 'old-bytes',
    decoder: () =>
      ({
        decode: (chunk: Uint8Array) => Array.from(chunk),
        end: () => [],
      }) as never,
    encoder: () => ({ encode: (frame) => Uint8Array.of(frame) }),
  };
}

/** Old contract only at the end: `decode()` pushes, `end()` returns a final frame. */
function returningAtEnd(): Codec<number> {
  return {
    name: 'old-end',
    decoder: () =>
      ({
        decode(chunk: Uint8Array, frames: number[]) {
          frames.push(...chunk);
        },
        end: () => [99],
      }) as never,
    encoder: () => ({ encode: (frame) => Uint8Array.of(frame) }),
  };
}

/** One chunk, then a source that never yields again (a peer that went quiet). */
async function* thenSilence(chunk: Uint8Array): AsyncGenerator<Uint8Array> {
  yield chunk;
  await new Promise(() => {});
}

const contractError = { code: 'ERR_CODEC_CONTRACT', name: 'CodecContractError' };

describe('a custom decoder that throws after pushing good frames', () => {
  it('decode() yields the good frames, then rejects at once, without waiting for more input', async () => {
    const iterator = decode(bytesUntilZero())(thenSilence(Uint8Array.of(1, 2, 0, 3)));
    expect(await iterator.next()).toEqual({ done: false, value: 1 });
    expect(await iterator.next()).toEqual({ done: false, value: 2 });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_DECODE' });
    // The error stays: a failed iterator is never mistaken for one that ended.
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_DECODE' });
  });

  it('decodeByChunk() yields the good frames as one array, then rejects at once', async () => {
    const iterator = decodeByChunk(bytesUntilZero())(thenSilence(Uint8Array.of(1, 2, 0)));
    expect(await iterator.next()).toEqual({ done: false, value: [1, 2] });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_DECODE' });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_DECODE' });
  });

  it('decode() closes the source when the decoder throws, before handing out the good frames', async () => {
    let closed = false;
    const source = {
      [Symbol.iterator]: () => ({
        next: () => ({ done: false as const, value: Uint8Array.of(7, 0) }),
        return: () => {
          closed = true;
          return { done: true as const, value: undefined };
        },
      }),
    };
    const iterator = decode(bytesUntilZero())(source);
    expect(await iterator.next()).toEqual({ done: false, value: 7 });
    expect(closed).toBe(true);
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_DECODE' });
  });

  it('an error from end() comes after the frames end() pushed', async () => {
    const codec: Codec<string> = {
      decoder: () => ({
        decode() {},
        end(frames) {
          frames.push('last');
          throw new DecodeError('truncated');
        },
      }),
      encoder: () => ({ encode: () => new Uint8Array(0) }),
    };
    const frames: string[] = [];
    await expect(
      (async () => {
        for await (const frame of decode(codec)([Uint8Array.of(1)])) frames.push(frame);
      })(),
    ).rejects.toMatchObject({ code: 'ERR_DECODE' });
    expect(frames).toEqual(['last']);
  });
});

describe('a decoder written to the returning contract (before 0.1.0)', () => {
  it('decode() refuses it with ERR_CODEC_CONTRACT saying what to change, and yields none of its frames', async () => {
    const seen: number[] = [];
    const error = await (async () => {
      for await (const frame of decode(returningDecoder())([Uint8Array.of(1, 2)])) seen.push(frame);
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject(contractError);
    expect((error as Error).message).toMatch(/^old-bytes: the decoder returned an Array .*decode\(chunk, frames\)/);
    expect(seen).toEqual([]);
  });

  it('decodeByChunk() refuses it with ERR_CODEC_CONTRACT', async () => {
    const iterator = decodeByChunk(returningDecoder())([Uint8Array.of(1, 2)]);
    await expect(iterator.next()).rejects.toMatchObject(contractError);
  });

  it('an end() that returns its frames is refused too, after the frames decode() pushed', async () => {
    const seen: number[] = [];
    const error = await (async () => {
      for await (const frame of decode(returningAtEnd())([Uint8Array.of(1, 2)])) seen.push(frame);
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject(contractError);
    expect(seen).toEqual([1, 2]);
  });

  it('json() over an old framing codec is refused with ERR_CODEC_CONTRACT, not an empty stream', async () => {
    const framing: Codec<Uint8Array> = {
      name: 'old-framing',
      decoder: () => ({ decode: (chunk: Uint8Array) => [chunk], end: () => [] }) as never,
      encoder: () => ({ encode: (frame) => frame }),
    };
    const iterator = decode(json({ framing }))([new TextEncoder().encode('{"a":1}')]);
    await expect(iterator.next()).rejects.toMatchObject({
      ...contractError,
      message: expect.stringMatching(/^json\(old-framing\): the decoder returned an Array/),
    });
  });

  it('checkDecoded() passes nothing returned, or the given array itself; refuses anything else', () => {
    const frames: number[] = [];
    expect(() => checkDecoded('custom', undefined, frames)).not.toThrow();
    expect(() => checkDecoded('custom', frames, frames)).not.toThrow();
    expect(() => checkDecoded('custom', [1], frames)).toThrow(expect.objectContaining(contractError));
    expect(() => checkDecoded('custom', 3, frames)).toThrow(/^custom: the decoder returned a number;/);
  });
});
