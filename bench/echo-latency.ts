/**
 * Echo round trip: one 64-byte frame out, the same frame back, one at a time.
 * Sluice (listen + serve + framed on both ends) against plain `node:net` with
 * hand-written 4-byte length framing. Reports p50 and p99 in microseconds.
 *
 * Run: pnpm build && pnpm bench:one bench/echo-latency.ts [--quick]
 */
import { once } from 'node:events';
import net from 'node:net';
import { lengthPrefixed } from '@sluice/codec';
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

const withHeader = (payload: Buffer) => {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
};

async function nodeRoundTrips(count: number): Promise<number[]> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on(
      'data',
      handFramer((frame) => socket.write(withHeader(frame))),
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
    handFramer(() => resolveFrame()),
  );
  const payload = Buffer.alloc(64, 99);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const answered = new Promise<void>((resolve) => (resolveFrame = resolve));
    socket.write(withHeader(payload));
    await answered;
    samples.push(performance.now() - start);
  }
  socket.destroy();
  await new Promise((r) => server.close(r));
  return samples;
}

async function sluiceRoundTrips(count: number): Promise<number[]> {
  const codec = lengthPrefixed();
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const served = listener.serve(async (conn) => {
    const io = conn.framed(codec);
    for await (const frame of io) await io.write(frame);
  });
  const conn = await connect(listener.address);
  const io = conn.framed(codec);
  const frames = io[Symbol.asyncIterator]();
  const payload = new Uint8Array(64).fill(99);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await io.write(payload);
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
  const p50 = { node: [] as number[], sluice: [] as number[] };
  const p99 = { node: [] as number[], sluice: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of [
      ['node', nodeRoundTrips],
      ['sluice', sluiceRoundTrips],
    ] as const) {
      const sorted = (await fn(count)).sort((a, b) => a - b);
      p50[name].push(percentile(sorted, 0.5) * 1000);
      p99[name].push(percentile(sorted, 0.99) * 1000);
    }
  }
  // Latency: lower is better, so the ratio printed is node / sluice (≥ 1/1.1 ≈ 0.91 meets "within 1.1x").
  return [
    row(
      'echo round trip p50 (µs, ratio = node/sluice)',
      'µs',
      median(p50.sluice),
      'node:net hand framing',
      median(p50.node),
      1 / 1.1,
    ),
    row(
      'echo round trip p99 (µs, ratio = node/sluice)',
      'µs',
      median(p99.sluice),
      'node:net hand framing',
      median(p99.node),
      1 / 1.1,
    ),
  ].map((r) => ({ ...r, ratio: r.peer / r.sluice }));
}

if (isMain(import.meta.url)) printRows('Echo round trip, one 64-byte frame at a time', await run(quickFromArgv()));
