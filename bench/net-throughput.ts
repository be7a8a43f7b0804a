/**
 * Loopback throughput: Sluice connections against what users would otherwise
 * write. The sender is always a plain `node:net` socket writing the same
 * pre-encoded bytes; only the receiving side differs.
 *
 * Run: pnpm build && pnpm bench:one bench/net-throughput.ts [--quick]
 */
import { once } from 'node:events';
import net from 'node:net';
import readline from 'node:readline';
import { lengthPrefixed, lines } from '@sluice/codec';
import { type Connection, connect } from '@sluice/net';
import * as lp from 'it-length-prefixed';
import {
  alternate,
  type BenchOptions,
  isMain,
  printRows,
  quickFromArgv,
  type Row,
  repeatingSender,
  row,
} from './support.js';

const PAYLOAD = 64;

async function timed(fn: () => Promise<number>): Promise<number> {
  const start = performance.now();
  const count = await fn();
  return count / ((performance.now() - start) / 1000);
}

const nodeSocket = async (port: number) => {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  return socket;
};

function blockOf(encodeOne: (payload: Uint8Array) => Uint8Array, frames: number): Uint8Array {
  const one = encodeOne(new Uint8Array(PAYLOAD).fill(97));
  const out = new Uint8Array(one.byteLength * frames);
  for (let i = 0; i < frames; i++) out.set(one, i * one.byteLength);
  return out;
}

export async function run({ quick }: BenchOptions): Promise<Row[]> {
  const rounds = quick ? 3 : 7;
  const rows: Row[] = [];

  // 1. Raw bytes.
  const rawBlock = new Uint8Array(1 << 20);
  const rawRepeat = quick ? 256 : 1024;
  const raw = await repeatingSender(rawBlock, rawRepeat);
  const rawRates = await alternate(rounds, {
    data: () =>
      timed(async () => {
        const socket = await nodeSocket(raw.port);
        let bytes = 0;
        socket.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
        await once(socket, 'end');
        return bytes;
      }),
    sluice: () =>
      timed(async () => {
        const conn = await connect({ host: '127.0.0.1', port: raw.port });
        let bytes = 0;
        for await (const chunk of conn) bytes += chunk.byteLength;
        await conn.close();
        return bytes;
      }),
    nodeIterator: () =>
      timed(async () => {
        const socket = await nodeSocket(raw.port);
        let bytes = 0;
        for await (const chunk of socket) bytes += (chunk as Buffer).byteLength;
        return bytes;
      }),
  });
  await raw.close();
  rows.push(
    row('raw bytes: for await (chunk of conn)', 'B/s', rawRates.sluice!, "node 'data' events", rawRates.data!, 0.95),
  );
  rows.push(
    row(
      'raw bytes: for await (chunk of conn)',
      'B/s',
      rawRates.sluice!,
      'node socket async iterator',
      rawRates.nodeIterator!,
    ),
  );

  // 2. Length-prefixed (varint) frames.
  const frames = quick ? 20_000 : 50_000;
  const varint = lengthPrefixed({ width: 'varint' });
  const encoder = varint.encoder();
  const lpBlock = blockOf((p) => encoder.encode(p), frames);
  const lpRepeat = quick ? 10 : 20;
  const lpServer = await repeatingSender(lpBlock, lpRepeat);
  const framed = (byChunk: boolean) => async () => {
    const conn: Connection = await connect({ host: '127.0.0.1', port: lpServer.port });
    let count = 0;
    const io = conn.framed(varint);
    if (byChunk) for await (const frames of io.byChunk()) count += frames.length;
    else for await (const _ of io) count++;
    await conn.close();
    return count;
  };
  const lpRates = await alternate(rounds, {
    itlp: () =>
      timed(async () => {
        const socket = await nodeSocket(lpServer.port);
        let count = 0;
        for await (const _ of lp.decode(socket)) count++;
        return count;
      }),
    sluice: () => timed(framed(false)),
    byChunk: () => timed(framed(true)),
  });
  await lpServer.close();
  rows.push(row('lengthPrefixed(varint) frames', 'f/s', lpRates.sluice!, 'it-length-prefixed', lpRates.itlp!, 5));
  rows.push(
    row('lengthPrefixed(varint) frames, byChunk()', 'f/s', lpRates.byChunk!, 'it-length-prefixed', lpRates.itlp!, 8),
  );

  // 3. Lines.
  const lineBlock = blockOf((p) => new Uint8Array([...p, 10]), frames);
  const lineServer = await repeatingSender(lineBlock, lpRepeat);
  const lineRates = await alternate(rounds, {
    readline: () =>
      timed(async () => {
        const socket = await nodeSocket(lineServer.port);
        let count = 0;
        for await (const _ of readline.createInterface({ input: socket, crlfDelay: Infinity })) count++;
        return count;
      }),
    sluice: () =>
      timed(async () => {
        const conn = await connect({ host: '127.0.0.1', port: lineServer.port });
        let count = 0;
        for await (const _ of conn.framed(lines())) count++;
        await conn.close();
        return count;
      }),
  });
  await lineServer.close();
  rows.push(row('lines() frames', 'f/s', lineRates.sluice!, 'readline on a socket', lineRates.readline!, 2));

  // 4. How close the `for await` paths come to the floor: one step of a hand-written async iterator
  //    over values already at hand, no I/O and no decoding. No reader of frames can beat it.
  const floor = (await alternate(rounds, { floor: () => forAwaitFloor(quick ? 2_000_000 : 5_000_000) })).floor!;
  const floorName = 'for await floor (hand-written iterator)';
  rows.push(row('lengthPrefixed(varint) frames vs the floor', 'f/s', lpRates.sluice!, floorName, floor));
  rows.push(row('lines() frames vs the floor', 'f/s', lineRates.sluice!, floorName, floor));
  return rows;
}

/** Steps per second of `for await` over a hand-written iterator whose values are at hand. */
async function forAwaitFloor(count: number): Promise<number> {
  const value = new Uint8Array(PAYLOAD);
  let left = count;
  const iterable: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        Promise.resolve(left-- > 0 ? { value, done: false as const } : { value: undefined, done: true as const }),
    }),
  };
  return timed(async () => {
    let seen = 0;
    for await (const _ of iterable) seen++;
    return seen;
  });
}

if (isMain(import.meta.url)) printRows('Loopback receive throughput (64-byte payloads)', await run(quickFromArgv()));
