/**
 * In-memory decode throughput of Sluice's codecs against their usual peers,
 * on the same pre-encoded bytes cut into 64 KiB chunks (as a socket would
 * deliver them), with 64-byte payloads:
 *
 * - `lengthPrefixed` (varint, and 4-byte big-endian) vs `it-length-prefixed`
 *   (its varint default, and a 4-byte `lengthDecoder`), both consumed with
 *   `for await` one frame at a time.
 * - `lines()` vs `node:readline` and `split2` over a `Readable.from` of the
 *   chunks, like for like in two modes: `for await` one line at a time on
 *   both sides; and each peer's fastest mode (`'line'` / `'data'` events)
 *   against Sluice's `decodeByChunk` (one array of lines per chunk).
 *
 * After a warm-up round, contenders alternate within each round; the medians
 * of the rounds are reported as frames per second, with the ratio Sluice /
 * peer. The machine's noise shows in the spread between runs, so compare
 * ratios rather than absolute rates.
 *
 * Run: `pnpm build && pnpm bench:one bench/codec-decode.ts [--quick]`. `bench/index.ts`
 * calls `run()`; `benchCodecDecode()` takes finer options. Both return one
 * row per comparison: `{ name, sluice, peer, ratio }` plus the unit, the
 * peer's name and the target ratio.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { decode, decodeByChunk, lengthPrefixed, lines } from '@sluice/codec';
import * as lp from 'it-length-prefixed';
import split2 from 'split2';
import type { Uint8ArrayList } from 'uint8arraylist';
import { type BenchOptions, isMain, median, type Row, row } from './support.js';

export interface CodecBenchOptions {
  /** Frames per run. @default 400000 (40000 with `quick`) */
  readonly frames?: number;
  /** Timed rounds per comparison, after one warm-up round; medians are reported. @default 7 (3 with `quick`) */
  readonly rounds?: number;
  /** A short run for smoke tests. @default false */
  readonly quick?: boolean;
  /** Where progress lines go. @default console.log */
  readonly log?: (line: string) => void;
}

const CHUNK = 64 * 1024;
const PAYLOAD = 64;

/** For `bench/index.ts`: every comparison, quietly; rows carry frames per second. */
export function run({ quick }: BenchOptions): Promise<Row[]> {
  return benchCodecDecode({ quick, log: () => undefined });
}

/** Runs every comparison and returns one row per comparison. */
export async function benchCodecDecode(options: CodecBenchOptions = {}): Promise<Row[]> {
  const quick = options.quick ?? false;
  const count = options.frames ?? (quick ? 40_000 : 400_000);
  const rounds = options.rounds ?? (quick ? 3 : 7);
  const log = options.log ?? console.log;
  const random = xorshift(0x5eed);
  const payloads = Array.from({ length: count }, () => Uint8Array.from({ length: PAYLOAD }, () => random() & 0xff));
  const text = Array.from({ length: count }, () =>
    String.fromCharCode(...Array.from({ length: PAYLOAD }, () => 0x20 + (random() % 95))),
  ).join('\n');

  const varint = cut(encodeAll(lengthPrefixed({ width: 'varint' }), payloads));
  const fixed = cut(encodeAll(lengthPrefixed({ width: 4 }), payloads));
  const textChunks = cut(new TextEncoder().encode(`${text}\n`));
  const u32: lp.LengthDecoderFunction = Object.assign((list: Uint8ArrayList) => list.getUint32(0), { bytes: 4 });

  const sluiceLines = () => countAsync(decode(lines())(source(textChunks)));
  const sluiceBatches = () => countBatches(decodeByChunk(lines())(source(textChunks)));
  // [row name, Sluice, peer name, peer, target ratio]
  const comparisons: [string, () => Promise<number>, string, () => Promise<number>, number][] = [
    [
      'lengthPrefixed(varint), for await',
      () => countAsync(decode(lengthPrefixed({ width: 'varint' }))(source(varint))),
      'it-length-prefixed, for await',
      () => countAsync(lp.decode(source(varint))),
      4,
    ],
    [
      'lengthPrefixed(4-byte), for await',
      () => countAsync(decode(lengthPrefixed({ width: 4 }))(source(fixed))),
      'it-length-prefixed 4-byte',
      () => countAsync(lp.decode(source(fixed), { lengthDecoder: u32 })),
      4,
    ],
    [
      'lines(), for await',
      sluiceLines,
      'readline, for await',
      () => countAsync(createInterface({ input: Readable.from(textChunks), crlfDelay: Infinity })),
      2,
    ],
    ['lines(), decodeByChunk', sluiceBatches, "readline 'line' events", () => readlineLines(textChunks), 2],
    [
      'lines(), for await',
      sluiceLines,
      'split2, for await',
      () => countAsync(Readable.from(textChunks).pipe(split2())),
      1,
    ],
    ['lines(), decodeByChunk', sluiceBatches, "split2 'data' events", () => split2Lines(textChunks), 1],
  ];

  const results: Row[] = [];
  for (const [name, sluice, peerName, peer, target] of comparisons) {
    const times = { sluice: [] as number[], peer: [] as number[] };
    // Round -1 warms up the JIT and is not timed; the order alternates after it.
    for (let round = -1; round < rounds; round++) {
      const order = round % 2 === 0 ? (['sluice', 'peer'] as const) : (['peer', 'sluice'] as const);
      for (const side of order) {
        const start = performance.now();
        const seen = await (side === 'sluice' ? sluice : peer)();
        if (round >= 0) times[side].push(performance.now() - start);
        if (seen !== count) throw new Error(`${name} / ${peerName}: ${side} decoded ${seen} frames, not ${count}`);
      }
    }
    const rate = (ms: number[]) => Math.round(count / (median(ms) / 1000));
    const result = row(name, 'f/s', rate(times.sluice), peerName, rate(times.peer), target);
    results.push(result);
    const verdict = result.ratio >= target ? 'met' : 'MISSED';
    log(
      `${name.padEnd(34)} ${fmt(result.sluice)}  vs ${peerName.padEnd(30)} ${fmt(result.peer)} frames/s` +
        `  x${result.ratio.toFixed(2)} (target ${target}x: ${verdict})`,
    );
  }
  return results;
}

function encodeAll(codec: ReturnType<typeof lengthPrefixed>, frames: Uint8Array[]): Uint8Array {
  const encoder = codec.encoder();
  const parts = frames.map((frame) => encoder.encode(frame));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Cuts bytes into 64 KiB Buffers of their own, as a socket delivers them. */
function cut(bytes: Uint8Array): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(Buffer.from(bytes.subarray(i, i + CHUNK)));
  return chunks;
}

/** A minimal async iterable over the chunks, so the source costs the same for everyone. */
function source(chunks: Buffer[]): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: () =>
          Promise.resolve(i < chunks.length ? { value: chunks[i++]!, done: false } : { value: undefined, done: true }),
      };
    },
  };
}

async function countAsync(iterable: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

async function countBatches(iterable: AsyncIterable<unknown[]>): Promise<number> {
  let n = 0;
  for await (const batch of iterable) n += batch.length;
  return n;
}

async function readlineLines(chunks: Buffer[]): Promise<number> {
  let n = 0;
  const rl = createInterface({ input: Readable.from(chunks), crlfDelay: Infinity });
  rl.on('line', () => n++);
  await once(rl, 'close');
  return n;
}

async function split2Lines(chunks: Buffer[]): Promise<number> {
  let n = 0;
  const stream = Readable.from(chunks).pipe(split2());
  stream.on('data', () => n++);
  await once(stream, 'end');
  return n;
}

function fmt(rate: number): string {
  return `${(rate / 1e6).toFixed(2)}M`.padStart(7);
}

function xorshift(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  console.log(`codec decode throughput, ${quick ? 'quick run' : 'full run'} (Node ${process.version})`);
  await benchCodecDecode({ quick });
}
