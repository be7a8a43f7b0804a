/**
 * One server of the scaling bench, alone, for a CPU profile of its timed
 * part only (the frames sent once all connections are open and warm; not the
 * connecting, the closing or the bench's forced garbage collections):
 * `count` connections (default 5,000) each sending length-prefixed frames,
 * `rounds` times (default 5) after a warm-up, the rate of each round printed
 * and one profile written for all rounds together. Then summarize it:
 *
 *   pnpm build
 *   pnpm bench:one bench/profile.ts sluice 5000 5        # writes bench/results/profile-sluice-5000.cpuprofile
 *   pnpm bench:one bench/profile-summary.ts bench/results/profile-sluice-5000.cpuprofile
 *
 * Servers: `sluice` (`for await` over frames), `chunks` (`byChunk()`),
 * `node` ('data' with the expert hand framer), `async` (node:net read by a
 * hand-written async function), `floor` (node:net framed by hand, the frames
 * read with `for await` from the smallest hand-written async iterator).
 */
import { writeFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { measure } from './scaling.js';
import { clients } from './scaling-clients.js';
import {
  nodeAsyncFramesServer,
  nodeAsyncServer,
  nodeServer,
  sluiceChunkServer,
  sluiceServer,
} from './scaling-servers.js';

const servers = {
  sluice: sluiceServer,
  chunks: sluiceChunkServer,
  node: nodeServer,
  async: nodeAsyncServer,
  floor: nodeAsyncFramesServer,
};
const [name = 'sluice', countText = '5000', roundsText = '5'] = process.argv.slice(2);
const server = servers[name as keyof typeof servers];
if (server === undefined) throw new Error(`profile: no server ${name}; pick one of ${Object.keys(servers).join(', ')}`);
const count = Number(countText);
const frames = Math.max(100, Math.round(2_000_000 / count));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
const profiles: Profiler.Profile[] = [];
/** Garbage collections during the timed parts: count and milliseconds, by kind. */
const collections = new Map<string, { count: number; ms: number }>();
const kinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor (scavenge)',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major (mark-compact)',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = kinds[(entry as PerformanceEntry & { detail: { kind: number } }).detail.kind] ?? 'other';
    const sum = collections.get(kind) ?? { count: 0, ms: 0 };
    sum.count++;
    sum.ms += entry.duration;
    collections.set(kind, sum);
  }
});
const hooks = {
  begin: async () => {
    observer.observe({ entryTypes: ['gc'] });
    await session.post('Profiler.start');
  },
  end: async () => {
    const { profile } = await session.post('Profiler.stop');
    observer.disconnect();
    profiles.push(profile);
  },
};
const client = clients();
try {
  await measure(client, server, 10, 20_000);
  for (let round = 0; round < Number(roundsText); round++) {
    const { rate } = await measure(client, server, count, frames, hooks);
    console.log(`${name}, ${count} connections: ${(rate / 1e6).toFixed(2)} M frames/s`);
  }
} finally {
  await client.exit();
}
for (const [kind, { count, ms }] of collections) console.log(`gc, ${kind}: ${count} in ${ms.toFixed(0)} ms`);
const file = new URL(`results/profile-${name}-${count}.cpuprofile`, import.meta.url).pathname;
writeFileSync(file, JSON.stringify(profiles));
console.log(`profile of the timed parts: ${file}`);
