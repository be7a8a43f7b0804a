/**
 * `pnpm bench`: every benchmark, each figure printed beside its peer with the
 * ratio and the target, and a JSON result in bench/results/ so figures can be
 * compared between commits, and an HTML report of the last few runs beside it
 * (bench/report.ts). `--quick` runs the whole suite in under a minute or two.
 *
 * Run: pnpm bench [--quick]
 */

import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeReport } from './report.js';
import { type BenchOptions, printRows, quickFromArgv, type Row } from './support.js';

const options = quickFromArgv();
const suites: [string, (o: BenchOptions) => Promise<Row[]>][] = [
  ['In-memory decoding', async (o) => (await import('./codec-decode.js')).run(o)],
  ['Loopback receive throughput (64-byte payloads)', async (o) => (await import('./net-throughput.js')).run(o)],
  ['Encoding and writing frames', async (o) => (await import('./net-write.js')).run(o)],
  ['Echo round trip', async (o) => (await import('./echo-latency.js')).run(o)],
  ['RxJS bridge', async (o) => (await import('./rx-observe.js')).run(o)],
  ['WebSocket, one small JSON value per message', async (o) => (await import('./websocket.js')).run(o)],
  ['Memory', async (o) => (await import('./memory.js')).run(o)],
  ['How cost grows with connections', async (o) => (await import('./scaling.js')).run(o)],
];

const results: Record<string, Row[]> = {};
for (const [title, runSuite] of suites) {
  const rows = await runSuite(options);
  results[title] = rows;
  printRows(title, rows);
}

const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/${commit}${options.quick ? '-quick' : ''}.json`, import.meta.url);
writeFileSync(
  file,
  `${JSON.stringify({ commit, date: new Date().toISOString(), node: process.version, quick: options.quick, results }, null, 2)}\n`,
);
console.log(`\nResults written to ${file.pathname}`);
const report = writeReport();
console.log(`Report written to ${report.join(' and ')} (pnpm bench:report --png renders latest.png)`);
