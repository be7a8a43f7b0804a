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
 * Contenders: `sluice-lines`, `sluice-lp`, `node-lines`, `node-lp`; add
 * `--no-profile` to time without the profiler.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { lengthPrefixed, lines } from '@sluice/codec';
import { handFramings, nodeEchoer, sluiceEchoer } from './echo-latency.js';
import type { Echoer } from './support.js';

const contenders: Record<string, () => Promise<Echoer>> = {
  'sluice-lines': () => sluiceEchoer(lines(), handFramings.lines.message),
  'sluice-lp': () => sluiceEchoer(lengthPrefixed(), new Uint8Array(handFramings.lengthPrefixed.message)),
  'node-lines': () => nodeEchoer(handFramings.lines),
  'node-lp': () => nodeEchoer(handFramings.lengthPrefixed),
};
const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const [name = 'sluice-lines', countText = '200000'] = args;
const profiling = !process.argv.includes('--no-profile');
const make = contenders[name];
if (make === undefined) throw new Error(`profile-echo: no contender ${name}; pick one of ${Object.keys(contenders)}`);
const count = Number(countText);
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
