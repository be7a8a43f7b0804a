/**
 * The decoder contract as a custom codec meets it: an error found behind good
 * frames is held and thrown by the next call, and `decode()` makes that call
 * at once (with an empty chunk), so the error neither waits for more input nor
 * costs the good frames.
 */
import { type Codec, DecodeError, decode, decodeByChunk } from '@sluice/codec';
import { describe, expect, it } from 'vitest';

/** One-byte frames; a 0 byte is an error, found after the frames before it in its chunk. */
function bytesUntilZero(): Codec<number> {
  return {
    decoder() {
      let held: unknown;
      return {
        decode(chunk) {
          if (held !== undefined) throw held;
          const frames: number[] = [];
          for (const byte of chunk) {
            if (byte === 0) {
              held = new DecodeError('zero byte');
              if (frames.length === 0) throw held;
              break;
            }
            frames.push(byte);
          }
          return frames;
        },
        end: () => [],
      };
    },
    encoder: () => ({ encode: (frame) => Uint8Array.of(frame) }),
  };
}

/** One chunk, then a source that never yields again (a peer that went quiet). */
async function* thenSilence(chunk: Uint8Array): AsyncGenerator<Uint8Array> {
  yield chunk;
  await new Promise(() => {});
}

describe('a custom decoder holding an error behind good frames', () => {
  it('decode() yields the good frames, then rejects at once, without waiting for more input', async () => {
    const iterator = decode(bytesUntilZero())(thenSilence(Uint8Array.of(1, 2, 0, 3)));
    expect(await iterator.next()).toEqual({ done: false, value: 1 });
    expect(await iterator.next()).toEqual({ done: false, value: 2 });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_DECODE' });
  });

  it('decodeByChunk() yields the good frames as one array, then rejects at once', async () => {
    const iterator = decodeByChunk(bytesUntilZero())(thenSilence(Uint8Array.of(1, 2, 0)));
    expect(await iterator.next()).toEqual({ done: false, value: [1, 2] });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_DECODE' });
  });
});
