/**
 * Shared bench plumbing: medians of alternating runs and a printed table of
 * Sluice against its peers. Benchmarks are plain scripts; each exports a
 * `run(options)` that returns its rows so `bench/index.ts` can collect them.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';

export interface BenchOptions {
  /** Fewer rounds and less data: the whole suite in under a minute. */
  quick: boolean;
}

/** The lowest and highest of a figure's samples, one per round. */
export interface Spread {
  min: number;
  max: number;
}

export interface Row {
  name: string;
  unit: string;
  sluice: number;
  peer: number;
  peerName: string;
  ratio: number;
  target?: number;
  /** Where the figure came from rounds: the Sluice figure's spread over them, and the peer figure's. */
  sluiceSpread?: Spread;
  peerSpread?: Spread;
}

/** A figure taken over rounds: its `value` (the median of the rounds, or a percentile of them all) and its spread. */
export interface Measured extends Spread {
  value: number;
}

/** The median of `samples` and their spread. */
export function measured(samples: number[]): Measured {
  return { value: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

export const quickFromArgv = (): BenchOptions => ({ quick: process.argv.includes('--quick') });

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs each contender `rounds` times, round by round (one run of each per
 * round, in reverse order every other round, so that none always follows
 * another) so that drift of the machine hits all alike, and returns the
 * median rate of each with its spread over the rounds.
 */
export async function alternate(
  rounds: number,
  contenders: Record<string, () => Promise<number>>,
): Promise<Record<string, Measured>> {
  const entries = Object.entries(contenders);
  const samples: Record<string, number[]> = Object.fromEntries(entries.map(([k]) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of round % 2 === 0 ? entries : [...entries].reverse()) samples[name]!.push(await fn());
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, measured(v)]));
}

/** One echo client, connected and warmed: `roundTrip()` sends one message and waits for its echo. */
export interface Echoer {
  roundTrip(): Promise<void>;
  close(): Promise<void>;
}

/** Percentiles of round trips, in microseconds: each of all the round trips, with its spread over the rounds. */
export interface Latency {
  p50: Measured;
  p99: Measured;
}

const byValue = (a: number, b: number) => a - b;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

/**
 * Round-trip latency of each contender, `count` round trips each, taken in
 * blocks of `block` in turn (the order of turns alternating) over
 * connections opened once: a slow second of this shared machine hits every
 * contender alike, as it would not if each ran its whole count in turn.
 * A warm-up block of each is left out. Each percentile is taken over all
 * the round trips of a contender; its spread is that percentile's lowest and
 * highest over `rounds` runs of consecutive blocks.
 */
export async function interleavedLatency(
  contenders: Record<string, () => Promise<Echoer>>,
  count: number,
  block = 250,
  rounds = 5,
): Promise<Record<string, Latency>> {
  const names = Object.keys(contenders);
  const echoers: Echoer[] = [];
  for (const name of names) echoers.push(await contenders[name]!());
  const samples: number[][] = names.map(() => []);
  const turn = async (index: number, record: boolean) => {
    const echoer = echoers[index]!;
    for (let i = 0; i < block; i++) {
      const start = performance.now();
      await echoer.roundTrip();
      if (record) samples[index]!.push(performance.now() - start);
    }
  };
  for (let index = 0; index < names.length; index++) await turn(index, false);
  for (let done = 0, round = 0; done < count; done += block, round++) {
    for (let k = 0; k < names.length; k++) await turn(round % 2 === 0 ? k : names.length - 1 - k, true);
  }
  for (const echoer of echoers) await echoer.close();
  const blocks = Math.ceil(count / block);
  const perRound = Math.ceil(blocks / rounds) * block;
  const of = (all: number[], p: number): Measured => {
    const inRounds: number[] = [];
    for (let at = 0; at < all.length; at += perRound)
      inRounds.push(percentile([...all.slice(at, at + perRound)].sort(byValue), p) * 1000);
    return {
      value: percentile([...all].sort(byValue), p) * 1000,
      min: Math.min(...inRounds),
      max: Math.max(...inRounds),
    };
  };
  return Object.fromEntries(
    names.map((name, index) => [name, { p50: of(samples[index]!, 0.5), p99: of(samples[index]!, 0.99) }]),
  );
}

/** p50 and p99 rows of `sluice` against `peer` (lower is better: the ratio is peer / sluice, target within 1.1x). */
export function latencyRows(what: string, sluice: Latency, peerName: string, peer: Latency): Row[] {
  return (['p50', 'p99'] as const).map((p) => ({
    ...row(`${what} ${p} (ratio = peer/sluice)`, 'µs', sluice[p], peerName, peer[p], 1 / 1.1),
    ratio: peer[p].value / sluice[p].value,
  }));
}

/** A row of `sluice` against `peer`: plain figures, or figures {@link Measured} over rounds (then with their spreads). */
export function row(
  name: string,
  unit: string,
  sluice: number | Measured,
  peerName: string,
  peer: number | Measured,
  target?: number,
): Row {
  const s = typeof sluice === 'number' ? sluice : sluice.value;
  const p = typeof peer === 'number' ? peer : peer.value;
  return {
    name,
    unit,
    sluice: s,
    peer: p,
    peerName,
    ratio: s / p,
    ...(target === undefined ? {} : { target }),
    ...(typeof sluice === 'number' ? {} : { sluiceSpread: { min: sluice.min, max: sluice.max } }),
    ...(typeof peer === 'number' ? {} : { peerSpread: { min: peer.min, max: peer.max } }),
  };
}

/** How `value` prints: divided by a power of 1000 (1024³ for G), its digits, and the prefix. */
const scaleOf = (value: number): [number, number, string] =>
  value >= 1e9 ? [2 ** 30, 2, 'Gi'] : value >= 1e6 ? [1e6, 2, 'M'] : value >= 1e3 ? [1e3, 1, 'k'] : [1, 1, ''];

/** `3.69 Mf/s`, and where there is a spread, `3.69 Mf/s (3.50–3.80)`: the spread in the value's own scale. */
function fmt(value: number, unit: string, spread?: Spread): string {
  const [divisor, digits, prefix] = scaleOf(value);
  const text = `${(value / divisor).toFixed(digits)} ${prefix}${unit.trim()}`;
  if (spread === undefined) return text;
  return `${text} (${(spread.min / divisor).toFixed(digits)}–${(spread.max / divisor).toFixed(digits)})`;
}

export function printRows(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  for (const r of rows) {
    const verdict =
      r.target === undefined
        ? ''
        : r.ratio >= r.target
          ? `  (target ≥ ${r.target.toFixed(2)}x: met)`
          : `  (target ≥ ${r.target.toFixed(2)}x: MISSED)`;
    const sluice = fmt(r.sluice, r.unit, r.sluiceSpread);
    const peer = fmt(r.peer, r.unit, r.peerSpread);
    console.log(
      `  ${r.name.padEnd(44)} sluice ${sluice.padStart(12)}  ${r.peerName.padEnd(26)} ${peer.padStart(12)}  ratio ${r.ratio.toFixed(2)}x${verdict}`,
    );
  }
}

/**
 * Pins process `pid` (all its threads) to CPU `core` with `taskset`, so that
 * two processes of one benchmark (a server and its clients) do not take
 * turns on one core. Returns whether it did: nothing happens, silently,
 * where there is no `taskset`, fewer than two cores, or the core is not
 * this process's to give.
 */
export function pinToCore(pid: number, core: number): boolean {
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs `main` when the file is executed directly (not imported by bench/index.ts). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''));
}

/**
 * Plain node:net framing by hand, as the peers of Sluice's length-prefixed
 * figures, written as an expert writes it: returns a chunk handler that
 * calls `onFrame` for each frame (a 4-byte big-endian length, then the
 * payload). Each chunk is walked by offset and a frame inside it is handed
 * over as a view of it (no copy). Only a frame that spans chunks is copied:
 * into a buffer of exactly its size, allocated once its header is known and
 * filled as chunks arrive; a header split across chunks waits in 4 bytes of
 * its own. Checked against a known wire split at every offset the first
 * time it is made (see {@link checkHandFramer}).
 */
export function handFramer(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  if (!handFramerChecked) {
    handFramerChecked = true;
    checkHandFramer();
  }
  return framer(onFrame);
}

let handFramerChecked = false;

function framer(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  const header = Buffer.alloc(4);
  /** Bytes of a split header held in `header` (0 when none is). */
  let headerHeld = 0;
  /** A frame that spans chunks, allocated at its full size, and how much of it is filled. */
  let partial: Buffer | undefined;
  let filled = 0;
  return (chunk) => {
    const end = chunk.length;
    let at = 0;
    if (headerHeld > 0) {
      at = chunk.copy(header, headerHeld, 0, 4 - headerHeld);
      headerHeld += at;
      if (headerHeld < 4) return;
      headerHeld = 0;
      partial = Buffer.allocUnsafe(header.readUInt32BE(0));
      filled = 0;
    }
    if (partial !== undefined) {
      const copied = chunk.copy(partial, filled, at, at + partial.length - filled);
      filled += copied;
      at += copied;
      if (filled < partial.length) return;
      const frame = partial;
      partial = undefined;
      onFrame(frame);
    }
    while (end - at >= 4) {
      const start = at + 4;
      const length = chunk.readUInt32BE(at);
      if (end - start < length) {
        partial = Buffer.allocUnsafe(length);
        filled = chunk.copy(partial, 0, start, end);
        return;
      }
      at = start + length;
      onFrame(chunk.subarray(start, at));
    }
    if (at < end) headerHeld = chunk.copy(header, 0, at, end);
  };
}

/**
 * Throws unless {@link handFramer} gives back exactly the frames of a known
 * wire (payloads of 0 to 70 bytes, so that headers and payloads both split)
 * when that wire arrives whole, a byte at a time, and cut in two and in three
 * at every pair of offsets.
 */
export function checkHandFramer(): void {
  const lengths = [0, 1, 3, 4, 5, 0, 17, 70, 2];
  const payloads = lengths.map((length, i) => Buffer.alloc(length, 65 + i));
  const wire = Buffer.concat(
    payloads.flatMap((payload) => {
      const header = Buffer.alloc(4);
      header.writeUInt32BE(payload.length);
      return [header, payload];
    }),
  );
  const check = (cuts: number[]) => {
    const got: Buffer[] = [];
    const feed = framer((frame) => got.push(Buffer.from(frame))); // copied: a view must stay right only while handed
    for (let i = 0, from = 0; i <= cuts.length; i++) {
      const to = cuts[i] ?? wire.length;
      feed(Buffer.from(wire.subarray(from, to))); // a chunk of its own, as a socket hands it
      from = to;
    }
    if (got.length !== payloads.length || got.some((frame, i) => !frame.equals(payloads[i]!)))
      throw new Error(`handFramer: wrong frames for the wire cut at [${cuts.join(', ')}]`);
  };
  check([]);
  check(Array.from({ length: wire.length - 1 }, (_, i) => i + 1));
  for (let i = 0; i <= wire.length; i++) for (let j = i; j <= wire.length; j++) check([i, j]);
}

/** Resolves when a plain socket drains or closes (never rejects: errors end the sender's loop). */
export function drainedOrClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/**
 * The peer every receive benchmark uses: a plain `node:net` server that
 * writes `block` `repeat` times to each client (waiting for 'drain'), then ends.
 */
export async function repeatingSender(
  block: Uint8Array,
  repeat: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer(async (socket) => {
    socket.on('error', () => {});
    for (let i = 0; i < repeat && !socket.destroyed; i++) if (!socket.write(block)) await drainedOrClosed(socket);
    socket.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
