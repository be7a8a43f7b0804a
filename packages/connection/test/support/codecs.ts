/**
 * The custom codecs the tests of `Framed` use, kept in one place so that a
 * change to the decoder contract is made here once. Each is as small as the
 * behaviour it stands for.
 */
import type { Codec, Decoder } from '@sluice/codec';
import { concatBytes } from '../../../../test-support/chunking.js';

/**
 * Two-byte records: the decoder holds an odd byte until its pair arrives.
 * With `remaining`, it can say what it holds (and so hand it over); without,
 * it cannot.
 */
export function pairs(options: { remaining: boolean }): Codec<Uint8Array> {
  return {
    name: options.remaining ? 'pairs' : 'pairs without remaining()',
    decoder() {
      let odd: Uint8Array | null = null;
      const decoder: Decoder<Uint8Array> = {
        decode(chunk, frames) {
          const bytes = odd === null ? chunk : concatBytes([odd, chunk]);
          let pos = 0;
          for (; pos + 2 <= bytes.length; pos += 2) frames.push(bytes.slice(pos, pos + 2));
          odd = pos < bytes.length ? bytes.slice(pos) : null;
        },
        end: () => {},
      };
      if (options.remaining) decoder.remaining = () => (odd === null ? [] : [odd]);
      return decoder;
    },
    encoder: () => ({
      encode(frame) {
        if (frame.length !== 2) throw new RangeError(`pairs: a frame is 2 bytes, got ${frame.length}`);
        return frame;
      },
    }),
  };
}

/** Newline-delimited text whose decoder has no `remaining()`: a chunk that completes no line begins one. */
export function bareLines(): Codec<string> {
  const encoder = new TextEncoder();
  return {
    name: 'bare lines',
    decoder() {
      const utf8 = new TextDecoder();
      let text = '';
      return {
        decode(chunk, frames) {
          text += utf8.decode(chunk, { stream: true });
          const parts = text.split('\n');
          text = parts.pop()!;
          frames.push(...parts);
        },
        end: (frames) => {
          if (text !== '') frames.push(text);
        },
      };
    },
    encoder: () => ({ encode: (line) => encoder.encode(`${line}\n`) }),
  };
}

/** Whole bytes as frames (each chunk one frame); encodes frames as they are. */
function passThrough(): Codec<Uint8Array> {
  return {
    decoder: () => ({
      decode: (chunk, frames) => {
        if (chunk.length > 0) frames.push(chunk);
      },
      end: () => {},
    }),
    encoder: () => ({ encode: (frame) => frame }),
  };
}

/** A codec named `broken` whose decoder's `decode()` throws `error` on the first byte it sees. */
export function throwingDecode(error: unknown): Codec<Uint8Array> {
  return {
    ...passThrough(),
    name: 'broken',
    decoder: () => ({
      decode(chunk) {
        if (chunk.length > 0) throw error;
      },
      end: () => {},
    }),
  };
}

/** A codec named `broken` whose decoder takes every chunk as a frame and throws `error` from `end()`. */
export function throwingEnd(error: unknown): Codec<Uint8Array> {
  return {
    ...passThrough(),
    name: 'broken',
    decoder: () => ({
      decode: (chunk, frames) => {
        if (chunk.length > 0) frames.push(chunk);
      },
      end() {
        throw error;
      },
    }),
  };
}

/** A codec named `broken` whose `decoder()` factory throws `error`. */
export function throwingFactory(error: unknown): Codec<Uint8Array> {
  return {
    ...passThrough(),
    name: 'broken',
    decoder() {
      throw error;
    },
  };
}

/**
 * A codec named `buggy` whose decoder returns `output` from `decode()` (or from `end()` only, `at: 'end'`),
 * as a decoder written to the contract before 0.1.0 returned its frames; otherwise it pushes each chunk as a frame.
 */
export function returning(output: unknown, at: 'decode' | 'end' = 'decode'): Codec<unknown> {
  return {
    name: 'buggy',
    decoder: () =>
      ({
        decode: (chunk: Uint8Array, frames: unknown[]) => {
          if (at === 'decode') return output;
          if (chunk.length > 0) frames.push(chunk);
          return undefined;
        },
        end: () => (at === 'end' ? output : undefined),
      }) as Decoder<unknown>,
    encoder: () => ({ encode: (frame) => frame as Uint8Array }),
  };
}

/**
 * A codec named `hybrid` whose decoder pushes each chunk as a frame and also returns an array of it:
 * `frames` itself (`same: true`, which the contract allows) or an array of its own (as a decoder written
 * to serve both contracts would).
 */
export function pushingAndReturning(same: boolean): Codec<Uint8Array> {
  return {
    ...passThrough(),
    name: 'hybrid',
    decoder: () =>
      ({
        decode: (chunk: Uint8Array, frames: Uint8Array[]) => {
          frames.push(chunk);
          return same ? frames : [chunk];
        },
        end: () => {},
      }) as Decoder<Uint8Array>,
  };
}

/** A codec whose encoder throws `error` for the frame `'bad'` and encodes other strings as UTF-8 lines. */
export function throwingEncode(error: unknown): Codec<string> {
  const encoder = new TextEncoder();
  return {
    ...bareLines(),
    encoder: () => ({
      encode(frame) {
        if (frame === 'bad') throw error;
        return encoder.encode(`${frame}\n`);
      },
    }),
  };
}

/** A codec whose encoder returns `output` (not bytes) for every frame. */
export function encodingTo(output: unknown): Codec<string> {
  return { ...bareLines(), encoder: () => ({ encode: () => output as Uint8Array }) };
}
