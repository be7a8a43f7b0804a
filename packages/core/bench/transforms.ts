/**
 * Per-item cost of the hand-written steps against the async-generator
 * equivalents, in one process. Run from the repository root:
 *
 *   pnpm exec tsx packages/core/bench/transforms.ts
 *
 * Prints millions of items per second and the ratio (higher is better).
 */
import { channel, filter, map, pipe, take, tap } from '../src/index.js';

const N = Number(process.env.BENCH_ITEMS) || 1_000_000;

/** A hand-written counting source, so the source itself costs as little as possible. */
function counter(): AsyncIterable<number> {
  let i = 0;
  const iterator: AsyncIterator<number> = {
    next: () => Promise.resolve(i < N ? { done: false, value: i++ } : { done: true, value: undefined }),
    return: () => Promise.resolve({ done: true, value: undefined }),
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

async function* genMap<A, B>(source: AsyncIterable<A>, fn: (a: A) => B) {
  for await (const x of source) yield fn(x);
}
async function* genFilter<A>(source: AsyncIterable<A>, fn: (a: A) => boolean) {
  for await (const x of source) if (fn(x)) yield x;
}
async function* genTake<A>(source: AsyncIterable<A>, n: number) {
  if (n <= 0) return;
  for await (const x of source) {
    yield x;
    if (--n <= 0) return;
  }
}
async function* genTap<A>(source: AsyncIterable<A>, fn: (a: A) => void) {
  for await (const x of source) {
    fn(x);
    yield x;
  }
}

async function rate(make: () => AsyncIterable<number>): Promise<number> {
  const start = performance.now();
  let sum = 0;
  for await (const x of make()) sum += x;
  if (sum < 0) throw new Error('unreachable');
  return N / (performance.now() - start) / 1000;
}

const inc = (x: number) => x + 1;
const keep = (x: number) => x >= 0;
const rows: Array<[string, () => AsyncIterable<number>, () => AsyncIterable<number>]> = [
  ['map', () => pipe(counter(), map(inc)), () => genMap(counter(), inc)],
  ['filter', () => pipe(counter(), filter(keep)), () => genFilter(counter(), keep)],
  ['take', () => pipe(counter(), take(N)), () => genTake(counter(), N)],
  ['tap', () => pipe(counter(), tap(inc)), () => genTap(counter(), inc)],
  [
    'map+filter+take+tap',
    () => pipe(counter(), map(inc), filter(keep), take(N), tap(inc)),
    () => genTap(genTake(genFilter(genMap(counter(), inc), keep), N), inc),
  ],
];

for (const [name, ours, generator] of rows) {
  await rate(ours); // warm up
  await rate(generator);
  const a = await rate(ours);
  const b = await rate(generator);
  console.log(`${name.padEnd(20)} ${a.toFixed(2)} M/s  generator ${b.toFixed(2)} M/s  ratio ${(a / b).toFixed(2)}`);
}

const start = performance.now();
const ch = channel<number>({ capacity: 64 });
void (async () => {
  for (let i = 0; i < N; i++) if (!ch.offer(i)) await ch.push(i);
  ch.end();
})();
let received = 0;
for await (const _ of ch) received++;
console.log(`${'channel offer/push'.padEnd(20)} ${(received / (performance.now() - start) / 1000).toFixed(2)} M/s`);
