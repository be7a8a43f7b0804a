/**
 * Type-level tests: the frame type a codec declares is what its decoder
 * yields and its encoder takes, through `decode()`/`encode()` and `pipe()`.
 * Checked by `tsc` when `pnpm test` runs (vitest typecheck); nothing here runs.
 */

import {
  type Codec,
  collect,
  type DecodedOf,
  decode,
  decodeByChunk,
  type EncodedOf,
  encode,
  filter,
  json,
  lengthPrefixed,
  lines,
  map,
  pipe,
  text,
} from 'sluice';
import { describe, expectTypeOf, test } from 'vitest';

declare const chunks: AsyncIterable<Uint8Array>;

describe('codec frame types', () => {
  test('each built-in codec declares its frame type', () => {
    expectTypeOf(lines()).toEqualTypeOf<Codec<string>>();
    expectTypeOf(text()).toEqualTypeOf<Codec<string>>();
    expectTypeOf(lengthPrefixed()).toEqualTypeOf<Codec<Uint8Array>>();
    expectTypeOf(json()).toEqualTypeOf<Codec<unknown>>();
    expectTypeOf(json<{ a: number }>()).toEqualTypeOf<Codec<{ a: number }>>();
  });

  test('DecodedOf and EncodedOf read the two halves of a codec', () => {
    type Asymmetric = Codec<{ id: number }, string>;
    expectTypeOf<DecodedOf<Asymmetric>>().toEqualTypeOf<{ id: number }>();
    expectTypeOf<EncodedOf<Asymmetric>>().toEqualTypeOf<string>();
    expectTypeOf<DecodedOf<ReturnType<typeof lengthPrefixed>>>().toEqualTypeOf<Uint8Array>();
  });

  test('decode() yields the decoded type and encode() takes the encoded type', () => {
    expectTypeOf(decode(lines())(chunks)).toEqualTypeOf<AsyncIterableIterator<string, undefined>>();
    expectTypeOf(decode(json<{ a: number }>())(chunks)).toEqualTypeOf<
      AsyncIterableIterator<{ a: number }, undefined>
    >();
    expectTypeOf(decodeByChunk(lengthPrefixed())).returns.toExtend<AsyncIterable<Uint8Array[]>>();
    expectTypeOf(encode(json<{ a: number }>()))
      .parameter(0)
      .toEqualTypeOf<AsyncIterable<{ a: number }> | Iterable<{ a: number }>>();
    // @ts-expect-error: a lines encoder takes strings, not numbers
    encode(lines())([1, 2, 3]);
  });

  test('a custom asymmetric codec keeps its two types apart', () => {
    const header: Codec<{ id: number }, string> = {
      decoder: () => ({ decode() {}, end() {} }),
      encoder: () => ({ encode: (frame) => new TextEncoder().encode(frame) }),
    };
    expectTypeOf(decode(header)(chunks)).toEqualTypeOf<AsyncIterableIterator<{ id: number }, undefined>>();
    expectTypeOf(encode(header)).parameter(0).toEqualTypeOf<AsyncIterable<string> | Iterable<string>>();
  });

  test('a decoder pushes frames of its codec type onto the array it is given, and returns nothing', () => {
    const ids: Codec<{ id: number }, never> = {
      decoder: () => ({
        decode(chunk, frames) {
          expectTypeOf(frames).toEqualTypeOf<{ id: number }[]>();
          frames.push({ id: chunk.length });
          // @ts-expect-error: a frame of another type
          frames.push('one');
        },
        end(frames) {
          expectTypeOf(frames).toEqualTypeOf<{ id: number }[]>();
        },
      }),
      encoder: () => ({ encode: () => new Uint8Array(0) }),
    };
    expectTypeOf(ids.decoder().decode).returns.toEqualTypeOf<void>();
    expectTypeOf(ids.decoder().end).parameter(0).toEqualTypeOf<{ id: number }[]>();
  });
});

describe('pipe() frame types', () => {
  test('frames flow from a decoder through map and filter into a sink', () => {
    const ids = pipe(
      chunks,
      decode(json<{ id: number; tag?: string }>()),
      map((frame) => frame.id),
      filter((id) => id > 0),
      collect(),
    );
    expectTypeOf(ids).toEqualTypeOf<Promise<number[]>>();
  });

  test('a type-guard filter narrows and an async map unwraps its promise', () => {
    const out = pipe(
      decode(json<string | number>())(chunks),
      filter((value): value is string => typeof value === 'string'),
      map(async (value) => value.length),
    );
    expectTypeOf(out).toEqualTypeOf<AsyncIterable<number>>();
  });

  test('frames can be encoded back to bytes at the end of a pipeline', () => {
    const bytes = pipe(
      chunks,
      decode(lines()),
      map((line) => line.toUpperCase()),
      encode(lines()),
    );
    expectTypeOf(bytes).toEqualTypeOf<AsyncIterableIterator<Uint8Array, undefined>>();
  });

  test('a step that expects another frame type is refused', () => {
    const increment = map((n: number) => n + 1);
    // @ts-expect-error: lines() yields strings, and this step wants numbers
    pipe(chunks, decode(lines()), increment);
  });
});
