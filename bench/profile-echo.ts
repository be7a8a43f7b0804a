/**
 * The echo round trip of bench/echo-latency.ts, one contender alone, for a
 * CPU profile: `count` round trips (default 200,000) after a warm-up, one at
 * a time over one connection, client and server in this process. Prints the
 * wall time and the CPU time (user + system) per round trip, then writes the
 * profile of the timed part. Summarize it with profile-summary.ts:
 *
 *   pnpm build
 *   pnpm bench:one bench/profile-echo.ts sluice-lines 200000   # writes bench/results/profile-echo-sluice-lines.cpuprofile
 *   pnpm bench:one bench/profile-summary.ts bench/results/profile-echo-sluice-lines.cpuprofile
 *
 * Contenders: `sluice-lines`, `sluice-lp`, `node-lines`, `node-lp`,
 * `floor-lines`, `floor-lp` (hand framing under the smallest async iterable,
 * see `floorConnection`); add `--no-profile` to time without the profiler.
 *
 * `profile-echo.ts --latency lines|lp [count]` instead prints p50 and p99 of
 * node, floor and sluice taking turns, as bench/echo-latency.ts measures them.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import net from 'node:net';
import { lengthPrefixed, lines } from '@sluice/codec';
import { type HandFraming, handFramings, nodeEchoer, sluiceEchoer } from './echo-latency.js';
import { type Echoer, interleavedLatency } from './support.js';

/**
 * The smallest async iterable over hand-framed node:net: frames pushed by
 * 'data' into an array, handed out by `next()` (a resolved promise when one
 * is queued, else one promise the next frame resolves), `write()` a
 * `socket.write` returning a resolved promise. The loop shapes are Sluice's:
 * `for await (f of frames) await write(f)` serving, `await write(m); await
 * frames.next()` asking. What this costs over `nodeEchoer` is the async
 * iterable shape itself, with no library under it.
 */
function floorConnection(socket: net.Socket, framing: HandFraming) {
  const queue: (Buffer | string)[] = [];
  let waiting: ((result: IteratorResult<Buffer | string>) => void) | undefined;
  socket.on(
    'data',
    framing.split((frame) => {
      if (waiting === undefined) queue.push(frame);
      else {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: frame, done: false });
      }
    }),
  );
  const frames: AsyncIterableIterator<Buffer | string> = {
    next() {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      return new Promise((resolve) => (waiting = resolve));
    },
    [Symbol.asyncIterator]: () => frames,
  };
  const write = (frame: Buffer | string): Promise<void> => {
    socket.write(framing.frame(frame));
    return Promise.resolve();
  };
  return { frames, write };
}

async function floorEchoer(framing: HandFraming): Promise<Echoer> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    const { frames, write } = floorConnection(socket, framing);
    void (async () => {
      for await (const frame of frames) await write(frame);
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  const { frames, write } = floorConnection(socket, framing);
  return {
    async roundTrip() {
      await write(framing.message);
      await frames.next();
    },
    async close() {
      socket.destroy();
      server.close();
    },
  };
}

const contenders: Record<string, () => Promise<Echoer>> = {
  'sluice-lines': () => sluiceEchoer(lines(), handFramings.lines.message),
  'sluice-lp': () => sluiceEchoer(lengthPrefixed(), new Uint8Array(handFramings.lengthPrefixed.message)),
  'node-lines': () => nodeEchoer(handFramings.lines),
  'node-lp': () => nodeEchoer(handFramings.lengthPrefixed),
  'floor-lines': () => floorEchoer(handFramings.lines),
  'floor-lp': () => floorEchoer(handFramings.lengthPrefixed),
};
const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const [name = 'sluice-lines', countText = '200000'] = args;
const profiling = !process.argv.includes('--no-profile');
const count = Number(countText);
if (process.argv.includes('--latency')) {
  const framing = name === 'lp' ? 'lp' : 'lines';
  const names = ['node', 'floor', 'sluice'];
  const latency = await interleavedLatency(
    Object.fromEntries(names.map((who) => [who, contenders[`${who}-${framing}`]!])),
    count,
  );
  for (const who of names) {
    const { p50, p99 } = latency[who]!;
    const show = (m: { value: number; min: number; max: number }) =>
      `${m.value.toFixed(1)} µs (${m.min.toFixed(1)}–${m.max.toFixed(1)})`;
    console.log(`${framing} ${who.padEnd(6)} p50 ${show(p50)}  p99 ${show(p99)}`);
  }
  process.exit(0);
}
const make = contenders[name];
if (make === undefined) throw new Error(`profile-echo: no contender ${name}; pick one of ${Object.keys(contenders)}`);
const echoer = await make();
for (let i = 0; i < 20_000; i++) await echoer.roundTrip();
const session = new Session();
if (profiling) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
}
const cpu = process.cpuUsage();
const start = performance.now();
for (let i = 0; i < count; i++) await echoer.roundTrip();
const wall = (performance.now() - start) * 1000;
const used = process.cpuUsage(cpu);
const per = (micros: number) => (micros / count).toFixed(2);
console.log(
  `${name}: ${per(wall)} µs wall, ${per(used.user)} µs user + ${per(used.system)} µs system CPU per round trip`,
);
if (profiling) {
  const { profile } = await session.post('Profiler.stop');
  const file = new URL(`results/profile-echo-${name}.cpuprofile`, import.meta.url).pathname;
  writeFileSync(file, JSON.stringify(profile));
  console.log(`profile: ${file}`);
}
await echoer.close();
