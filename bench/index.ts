/**
 * `pnpm bench`: every benchmark, each figure printed beside its peer with the
 * ratio and the target, and a JSON result in bench/results/ so figures can be
 * compared between commits, and an HTML report of the last few runs beside it
 * (bench/report.ts). `--quick` runs the whole suite in under a minute or two.
 *
 * Each suite runs in a process of its own: what one leaves behind (a grown
 * heap, code optimized for another shape, sockets in TIME_WAIT) would
 * otherwise weigh on the next, and the same benchmark would read differently
 * alone and in the suite.
 *
 * `--only a,b` runs only the suites whose module names contain one of those
 * words (e.g. `--only scaling,echo`): its results file and report hold just those.
 *
 * Run: pnpm bench [--quick] [--only <words>]
 */

import { execSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeReport } from './report.js';
import { type BenchOptions, printRows, quickFromArgv, type Row } from './support.js';

const options = quickFromArgv();
/** Each suite's title and module, which exports `run(options): Promise<Row[]>`. */
const suites: [string, string][] = [
  ['In-memory decoding', './codec-decode.js'],
  ['Loopback receive throughput (64-byte payloads)', './net-throughput.js'],
  ['Encoding and writing frames', './net-write.js'],
  ['Echo round trip', './echo-latency.js'],
  ['RxJS bridge', './rx-observe.js'],
  ['WebSocket, one small JSON value per message', './websocket.js'],
  ['Memory', './memory.js'],
  ['How cost grows with connections', './scaling.js'],
];

const SUITE_FLAG = '--suite';
const suiteIndex = process.argv.indexOf(SUITE_FLAG);
if (suiteIndex > 0) {
  // In the child: run the one suite and hand its rows to the parent.
  const module = (await import(process.argv[suiteIndex + 1]!)) as { run(o: BenchOptions): Promise<Row[]> };
  process.send!(await module.run(options));
  process.disconnect();
} else {
  await runAll();
}

/** Runs one suite in a fresh process (with this process's flags: --expose-gc, tsx) and returns its rows. */
async function inChild(module: string): Promise<Row[]> {
  const args = [SUITE_FLAG, module, ...(options.quick ? ['--quick'] : [])];
  const child = fork(new URL(import.meta.url).pathname, args, { stdio: 'inherit' });
  const rows = new Promise<Row[]>((resolve) => child.once('message', (message) => resolve(message as Row[])));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`bench suite ${module} exited with ${code}`);
  return rows;
}

/** The suites `--only` names, or all. */
function chosen(): [string, string][] {
  const at = process.argv.indexOf('--only');
  if (at < 0) return suites;
  const words = (process.argv[at + 1] ?? '').split(',').filter(Boolean);
  const picked = suites.filter(([, module]) => words.some((word) => module.includes(word)));
  if (picked.length === 0) throw new Error(`bench: --only ${words.join(',')} names no suite`);
  return picked;
}

async function runAll(): Promise<void> {
  const results: Record<string, Row[]> = {};
  for (const [title, module] of chosen()) {
    const rows = await inChild(module);
    results[title] = rows;
    printRows(title, rows);
  }
  writeResults(results);
}

function writeResults(results: Record<string, Row[]>): void {
  const commit = (() => {
    try {
      return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const date = new Date().toISOString();
  // One file per run, so runs repeated on one commit (while tuning) all show in the report.
  const stamp = date.slice(0, 19).replace(/[-:]/g, '');
  const file = new URL(`./results/${commit}-${stamp}${options.quick ? '-quick' : ''}.json`, import.meta.url);
  writeFileSync(
    file,
    `${JSON.stringify({ commit, date, node: process.version, quick: options.quick, results }, null, 2)}\n`,
  );
  console.log(`\nResults written to ${file.pathname}`);
  const report = writeReport();
  console.log(`Report written to ${report.join(' and ')} (pnpm bench:report --png renders latest.png)`);
}
