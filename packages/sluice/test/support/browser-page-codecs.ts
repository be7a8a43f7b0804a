/**
 * The page's checks of @sluice/core, @sluice/codec and rxjs in Chromium
 * (served beside support/browser-page.ts, which exports them): pipe and map
 * with concurrency, lines(), json() and varint lengthPrefixed() round-tripped
 * under every cutting, the coded error of an oversized varint header, a
 * decoder read through rxjs, and @sluice/rx's encodeWith() and decodeWith().
 * No Node: it runs as it would on a website.
 */
import { type Codec, decode, encode, FrameTooLongError, json, lengthPrefixed, lines } from '@sluice/codec';
import { collect, map, pipe, SluiceError } from '@sluice/core';
import { from, lastValueFrom, map as rxMap, toArray } from 'rxjs';
import type { Cuts } from '../../../../test-support/chunking.js';
import { concat, hex, rechunk } from './browser-page-bytes.js';
import { render } from './browser-page-render.js';

/** Inputs from the test: the frames to round-trip (byte frames as arrays of numbers) and the cuttings to try. */
export interface PageInput {
  lines: string[];
  json: unknown[];
  bytes: number[][];
  cuttings: Cuts[];
}

/** One codec's round trip: the encoded bytes (hex) and, per cutting, the frames decoded from them. */
export interface RoundTrip<T> {
  wire: string;
  decoded: T[][];
}

/** What {@link runChecks} saw, for the test to assert. */
export interface PageResults {
  userAgent: string;
  core: { tenfold: number[]; squaresInOrder: number[] };
  lines: RoundTrip<string>;
  json: RoundTrip<unknown>;
  /** `lengthPrefixed({ width: 'varint' })`, frames as hex. */
  varint: RoundTrip<string>;
  frameTooLong: {
    name: string;
    code: unknown;
    message: string;
    size: unknown;
    limit: unknown;
    isSluiceError: boolean;
    isFrameTooLongError: boolean;
    /** Chunks the decoder had pulled when it failed: the header's bytes, none of the payload. */
    chunksPulled: number;
    framesBefore: number;
  };
  /** The lines decoded by `decode(lines())`, read through rxjs `from()` and upper-cased with its `map`. */
  rxjs: string[];
}

/** Runs the checks of @sluice/core, @sluice/codec and rxjs on `input`, shows the results in the page, and returns them. */
export async function runChecks(input: PageInput): Promise<PageResults> {
  const results: PageResults = {
    userAgent: navigator.userAgent,
    core: {
      tenfold: await pipe(
        [1, 2, 3, 4],
        map((n: number) => n * 10),
        collect(),
      ),
      squaresInOrder: await pipe(
        countTo(6),
        map(
          async (n: number) => {
            for (let tick = n; tick < 6; tick++) await null; // later calls finish first
            return n * n;
          },
          { concurrency: 3 },
        ),
        collect(),
      ),
    },
    lines: await roundTrip(lines(), input.lines, input.cuttings, (line) => line),
    json: await roundTrip(json(), input.json, input.cuttings, (value) => value),
    varint: await roundTrip(
      lengthPrefixed({ width: 'varint' }),
      input.bytes.map((frame) => Uint8Array.from(frame)),
      input.cuttings,
      hex,
    ),
    frameTooLong: await frameTooLong(),
    rxjs: await lastValueFrom(
      from(decode(lines())(rechunk(await encodeToBytes(lines(), input.lines), [3, 5, 8]))).pipe(
        rxMap((line) => line.toUpperCase()),
        toArray(),
      ),
    ),
  };
  render(results, input);
  return results;
}

/**
 * `@sluice/rx`'s operators with RxJS: encodes `frames` with `encodeWith(lines())`, cuts the bytes as `cuts` says,
 * and decodes them with `decodeWith(lines())`. Imports `@sluice/rx` only when called, so that a build of it that
 * cannot load here fails this call and nothing else.
 */
export async function runRxChecks(frames: string[], cuttings: Cuts[]): Promise<{ wire: string; decoded: string[][] }> {
  const { decodeWith, encodeWith } = await import('@sluice/rx');
  const wire = concat(await lastValueFrom(from(frames).pipe(encodeWith(lines()), toArray())));
  const decoded: string[][] = [];
  for (const cuts of cuttings) {
    decoded.push(await lastValueFrom(from(rechunk(wire, cuts)).pipe(decodeWith(lines()), toArray())));
  }
  return { wire: hex(wire), decoded };
}

async function roundTrip<T, R>(
  codec: Codec<T>,
  frames: readonly T[],
  cuttings: readonly Cuts[],
  show: (frame: T) => R,
): Promise<RoundTrip<R>> {
  const wire = await encodeToBytes(codec, frames);
  const decoded: R[][] = [];
  for (const cuts of cuttings) {
    decoded.push(await pipe(rechunk(wire, cuts), decode(codec), map(show), collect()));
  }
  return { wire: hex(wire), decoded };
}

/** A varint header announcing 1,000,000 bytes against a limit of 1024, fed a byte at a time, then payload. */
async function frameTooLong(): Promise<PageResults['frameTooLong']> {
  const header = [0xc0, 0x84, 0x3d]; // 1_000_000 = 0x0f4240: 7 bits at a time, low first, high bit = more
  let chunksPulled = 0;
  async function* bytes() {
    for (const byte of [...header, 1, 2, 3]) {
      chunksPulled++;
      yield Uint8Array.of(byte);
    }
  }
  const frames: Uint8Array[] = [];
  try {
    for await (const frame of decode(lengthPrefixed({ width: 'varint', maxFrameLength: 1024 }))(bytes())) {
      frames.push(frame);
    }
  } catch (error) {
    const e = error as Error & { code?: unknown; size?: unknown; limit?: unknown };
    return {
      name: e.name,
      code: e.code,
      message: e.message,
      size: e.size,
      limit: e.limit,
      isSluiceError: error instanceof SluiceError,
      isFrameTooLongError: error instanceof FrameTooLongError,
      chunksPulled,
      framesBefore: frames.length,
    };
  }
  throw new Error(`decoding a 1,000,000-byte header under a 1024-byte limit did not fail (${frames.length} frames)`);
}

async function* countTo(n: number): AsyncGenerator<number> {
  for (let i = 1; i <= n; i++) yield i;
}

async function encodeToBytes<T>(codec: Codec<T>, frames: readonly T[]): Promise<Uint8Array> {
  return concat(await pipe(frames, encode(codec), collect()));
}
