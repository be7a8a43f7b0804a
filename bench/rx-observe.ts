import { lengthPrefixed } from '@sluice/codec';
import { connect } from '@sluice/net';
import { observe, socket$ } from '@sluice/rx';
import { from, type Observable } from 'rxjs';
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
const BLOCK_FRAMES = 1000;

/** A server that sends `frames` pre-encoded frames to every client, in blocks, then ends. */
async function sender(frames: number): Promise<{ port: number; close(): Promise<void> }> {
  const one = lengthPrefixed().encoder().encode(new Uint8Array(PAYLOAD).fill(97));
  const block = new Uint8Array(one.byteLength * BLOCK_FRAMES);
  for (let i = 0; i < BLOCK_FRAMES; i++) block.set(one, i * one.byteLength);
  return repeatingSender(block, Math.ceil(frames / BLOCK_FRAMES));
}

/** Frames per second of one read of everything the sender sends. */
async function rate(port: number, read: (frames: AsyncIterable<Uint8Array>) => Promise<number>): Promise<number> {
  const conn = await connect({ host: '127.0.0.1', port });
  const start = performance.now();
  const count = await read(conn.framed(lengthPrefixed()));
  const seconds = (performance.now() - start) / 1000;
  await conn.close();
  return count / seconds;
}

function countObservable(observable: Observable<Uint8Array>): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    observable.subscribe({ next: () => void count++, error: reject, complete: () => resolve(count) });
  });
}

/** Runs the comparison; `bench/index.ts` collects the rows. */
export async function run({ quick }: BenchOptions): Promise<Row[]> {
  const frames = quick ? 100_000 : 500_000;
  const rounds = quick ? 3 : 7;
  const server = await sender(frames);
  const contenders: Record<string, () => Promise<number>> = {
    iterator: () =>
      rate(server.port, async (source) => {
        let count = 0;
        for await (const _ of source) count++;
        return count;
      }),
    observe: () => rate(server.port, (source) => countObservable(observe(source))),
    from: () => rate(server.port, (source) => countObservable(from(source))),
    subject: async () => {
      const start = performance.now();
      const count = await countObservable(socket$({ host: '127.0.0.1', port: server.port, codec: lengthPrefixed() }));
      return count / ((performance.now() - start) / 1000);
    },
  };
  for (const warmUp of Object.values(contenders)) await warmUp(); // JIT first, so round one is not an outlier
  const rates = await alternate(rounds, contenders);
  await server.close();
  return [
    row('observe(conn.framed(codec))', 'f/s', rates.observe!, 'for await (frame of framed)', rates.iterator!, 0.8),
    row('observe(conn.framed(codec))', 'f/s', rates.observe!, 'rxjs from(framed)', rates.from!),
    row('socket$({ codec }) incl. connect', 'f/s', rates.subject!, 'for await (frame of framed)', rates.iterator!),
  ];
}

/** The same figures as plain `{ name, sluice, peer, ratio }` records. */
export async function benchRxObserve(
  options: BenchOptions,
): Promise<{ name: string; sluice: number; peer: number; ratio: number }[]> {
  return (await run(options)).map(({ name, peerName, sluice, peer, ratio }) => ({
    name: `${name} vs ${peerName}`,
    sluice,
    peer,
    ratio,
  }));
}

if (isMain(import.meta.url))
  printRows('RxJS bridge (64-byte length-prefixed frames over loopback)', await run(quickFromArgv()));
