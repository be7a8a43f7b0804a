/**
 * Echo round trip: one frame out, the same frame back, one at a time. Sluice
 * (listen + serve + framed on both ends) against plain `node:net` framed by
 * hand, in two framings: a 48-byte line (`lines()` against the usual string
 * buffer split at '\n') and a 64-byte frame behind a 4-byte length
 * (`lengthPrefixed()` against `readUInt32BE`). Reports p50 and p99 in
 * microseconds.
 *
 * Run: pnpm build && pnpm bench:one bench/echo-latency.ts [--quick]
 */
import { once } from 'node:events';
import net from 'node:net';
import { type Codec, lengthPrefixed, lines } from '@sluice/codec';
import { connect, listen } from '@sluice/net';
import { type BenchOptions, isMain, median, printRows, quickFromArgv, type Row, row } from './support.js';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

/** Plain node:net framing by hand: calls `onFrame` for each 4-byte-length-prefixed frame. */
function handFramer(onFrame: (frame: Buffer) => void) {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (pending.length < 4 + length) break;
      onFrame(pending.subarray(4, 4 + length));
      pending = pending.subarray(4 + length);
    }
  };
}

/** Plain node:net line framing by hand, as it is usually written: a string buffer split at '\n'. */
function handLines(onLine: (line: string) => void) {
  let pending = '';
  return (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    for (let index = pending.indexOf('\n'); index >= 0; index = pending.indexOf('\n')) {
      onLine(pending.slice(0, index));
      pending = pending.slice(index + 1);
    }
  };
}

const withHeader = (payload: Buffer) => {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
};

/** One framing as plain node:net users write it: how to split input, and how to frame the one message sent. */
interface HandFraming {
  split(onFrame: (frame: Buffer | string) => void): (chunk: Buffer) => void;
  frame(message: Buffer | string): Buffer | string;
  message: Buffer | string;
}

const handFramings = {
  lengthPrefixed: {
    split: (onFrame) => handFramer(onFrame),
    frame: (message) => withHeader(message as Buffer),
    message: Buffer.alloc(64, 99),
  },
  lines: {
    split: (onFrame) => handLines(onFrame),
    frame: (line) => `${line as string}\n`,
    message: 'c'.repeat(48),
  },
} satisfies Record<string, HandFraming>;

async function nodeRoundTrips(framing: HandFraming, count: number): Promise<number[]> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on(
      'data',
      framing.split((frame) => socket.write(framing.frame(frame))),
    );
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  let resolveFrame!: () => void;
  socket.on(
    'data',
    framing.split(() => resolveFrame()),
  );
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const answered = new Promise<void>((resolve) => (resolveFrame = resolve));
    socket.write(framing.frame(framing.message));
    await answered;
    samples.push(performance.now() - start);
  }
  socket.destroy();
  await new Promise((r) => server.close(r));
  return samples;
}

async function sluiceRoundTrips<T>(codec: Codec<T>, message: T, count: number): Promise<number[]> {
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const served = listener.serve(async (conn) => {
    const io = conn.framed(codec);
    for await (const frame of io) await io.write(frame);
  });
  const conn = await connect(listener.address);
  const io = conn.framed(codec);
  const frames = io[Symbol.asyncIterator]();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await io.write(message);
    await frames.next();
    samples.push(performance.now() - start);
  }
  await conn.closeWrite();
  await frames.next();
  await conn.close();
  await listener.close();
  await served;
  return samples;
}

export async function run({ quick }: BenchOptions): Promise<Row[]> {
  const count = quick ? 5_000 : 20_000;
  const rounds = quick ? 3 : 5;
  return [
    ...(await compare('48-byte line', count, rounds, handFramings.lines, () =>
      sluiceRoundTrips(lines(), handFramings.lines.message, count),
    )),
    ...(await compare('64-byte length-prefixed frame', count, rounds, handFramings.lengthPrefixed, () =>
      sluiceRoundTrips(lengthPrefixed(), new Uint8Array(handFramings.lengthPrefixed.message), count),
    )),
  ];
}

/** p50 and p99 of both contenders over `rounds` alternating rounds, the median of each. */
async function compare(
  what: string,
  count: number,
  rounds: number,
  framing: HandFraming,
  sluice: () => Promise<number[]>,
): Promise<Row[]> {
  const p50 = { node: [] as number[], sluice: [] as number[] };
  const p99 = { node: [] as number[], sluice: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of [
      ['node', () => nodeRoundTrips(framing, count)],
      ['sluice', sluice],
    ] as const) {
      const sorted = (await fn()).sort((a, b) => a - b);
      p50[name].push(percentile(sorted, 0.5) * 1000);
      p99[name].push(percentile(sorted, 0.99) * 1000);
    }
  }
  // Latency: lower is better, so the ratio printed is node / sluice (≥ 1/1.1 ≈ 0.91 meets "within 1.1x").
  return [
    row(`echo ${what} p50 (ratio = node/sluice)`, 'µs', median(p50.sluice), PEER, median(p50.node), 1 / 1.1),
    row(`echo ${what} p99 (ratio = node/sluice)`, 'µs', median(p99.sluice), PEER, median(p99.node), 1 / 1.1),
  ].map((r) => ({ ...r, ratio: r.peer / r.sluice }));
}

const PEER = 'node:net hand framing';

if (isMain(import.meta.url)) printRows('Echo round trip, one frame at a time', await run(quickFromArgv()));
