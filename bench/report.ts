/**
 * The bench report: an HTML page beside the JSON results in bench/results/,
 * for looking at rather than reading. Per suite, each row's ratio to its peer
 * as a bar, its target as a dashed line, green where met and red where
 * missed, with the last few runs (up to {@link RUNS}, by date) as fainter bars
 * above the latest so a regression shows at a glance, and a whisker for
 * the range its ratio takes over the rounds where the figures have spreads;
 * then the scaling figures as lines against the number of connections, each
 * point with its spread. Chart.js is inlined, and so is the page's script
 * (report-page.ts and the modules it imports, bundled with esbuild), so the
 * page is one file that works offline.
 *
 * Writes `<run>.html` (named after the newest JSON) and `latest.html`.
 * `bench/index.ts` calls it after a run; standalone it regenerates the page
 * from the results already there, and with `--png` also renders
 * `latest.png` with the system Chromium (see bench/screenshot.ts).
 *
 * Run: pnpm exec tsx bench/report.ts [--png]   (or: pnpm bench:report, which is with --png)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import type { Figure, ReportData, ReportRow, RunInfo, ScalingMetric } from './report-data.js';
import { times } from './report-format.js';
import { isMain, type Row } from './support.js';

/** How many runs the report shows side by side, the newest last. */
export const RUNS = 6;

interface Run extends RunInfo {
  file: string;
  results: Record<string, Row[]>;
}

const require = createRequire(import.meta.url);
const key = (row: { name: string; peerName: string }) => `${row.name}\u0000${row.peerName}`;

function loadRuns(dir: URL): Run[] {
  const runs: Run[] = [];
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json')) continue;
    try {
      const run = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Omit<Run, 'file'>;
      if (typeof run.date === 'string' && run.results !== null && typeof run.results === 'object')
        runs.push({ ...run, file });
    } catch {
      console.warn(`bench report: ${file} is not a bench result; left out`);
    }
  }
  return runs.sort((a, b) => a.date.localeCompare(b.date));
}

/** `name, 1,000 conns (…)` → the metric without its count, and the count. */
const CONNECTIONS = /^(.*), ([\d,]+) conns?\b\s*(.*)$/;

function scalingOf(rows: Row[]): ScalingMetric[] {
  const metrics = new Map<string, ScalingMetric>();
  for (const r of rows) {
    const match = CONNECTIONS.exec(r.name);
    if (!match) continue;
    // The count goes, and so does a note on how the ratio is taken: "memory per idle conn".
    const name = `${match[1]}${match[3] ? ` ${match[3]}` : ''}`.replace(/\s*\(ratio = [^)]*\)/, '');
    const id = key({ name, peerName: r.peerName }); // one metric may be set against several peers
    let metric = metrics.get(id);
    if (!metric) metrics.set(id, (metric = { name, unit: r.unit, peerName: r.peerName, points: [] }));
    metric.points.push({ connections: Number(match[2]!.replaceAll(',', '')), ...r });
  }
  return [...metrics.values()];
}

/** The report's data: the latest run's suites and rows, each with its figures in the earlier runs. */
export function reportData(all: Run[], runs = RUNS): ReportData {
  const shown = all.slice(-runs);
  const latest = shown.at(-1);
  if (latest === undefined) return { runs: [], suites: [], scaling: [] };
  const figure = (r: Row): Figure => ({
    sluice: r.sluice,
    peer: r.peer,
    ratio: r.ratio,
    target: r.target,
    sluiceSpread: r.sluiceSpread,
    peerSpread: r.peerSpread,
  });
  const suites = Object.entries(latest.results).map(([title, rows]) => ({
    title,
    rows: rows.map(
      (r): ReportRow => ({
        name: r.name,
        peerName: r.peerName,
        unit: r.unit,
        figures: shown.map((run) => {
          const same = run.results[title]?.find((s) => key(s) === key(r));
          return same ? figure(same) : null;
        }),
      }),
    ),
  }));
  const scaling = Object.values(latest.results).flatMap(scalingOf);
  return {
    runs: shown.map(({ commit, date, node, quick }) => ({ commit, date, node, quick })),
    suites,
    scaling,
  };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
/** JSON or JavaScript that cannot end the <script> element it sits in (`<\/` means `</` in strings, templates and JSON). */
const inScript = (text: string) => {
  if (text.includes('<!--')) throw new Error('bench report: "<!--" in an inlined script');
  return text.replace(/<\/(script)/gi, '<\\/$1');
};

function summary(data: ReportData): string {
  const latest = data.runs.length - 1;
  const run = data.runs[latest]!;
  const rows = data.suites.flatMap((s) => s.rows.map((r) => ({ suite: s.title, row: r, f: r.figures[latest]! })));
  const targeted = rows.filter((r) => r.f.target !== undefined);
  const missed = targeted.filter((r) => r.f.ratio < r.f.target!);
  const fell = rows.flatMap((r) => {
    const previous = r.row.figures.slice(0, latest).findLast((f) => f != null);
    const change = previous ? r.f.ratio / previous.ratio - 1 : 0;
    return change <= -0.1 ? [{ ...r, change }] : [];
  });
  const item = (r: (typeof rows)[number], figure: string) =>
    `<li title="${escapeHtml(r.suite)}">${escapeHtml(r.row.name)} <span class="dim">vs ${escapeHtml(r.row.peerName)}</span> ${figure}</li>`;
  const previous = data.runs[latest - 1];
  return [
    `<p class="meta">Run <b>${escapeHtml(run.commit)}</b>${run.quick ? ' (quick)' : ''}, ${escapeHtml(run.date.replace('T', ' ').slice(0, 16))} UTC, Node ${escapeHtml(run.node)}.`,
    ` Earlier runs shown: ${data.runs.length - 1}.</p>`,
    `<p class="chips"><span class="chip met">${targeted.length - missed.length} targets met</span>`,
    `<span class="chip ${missed.length ? 'missed' : 'met'}">${missed.length} missed</span>`,
    previous
      ? `<span class="chip ${fell.length ? 'down' : ''}">${fell.length} down ≥ 10% since ${escapeHtml(previous.commit)}</span>`
      : '',
    `<span class="chip">${rows.length - targeted.length} without a target</span></p>`,
    legend(data.runs),
    '<div class="lists">',
    missed.length
      ? `<div><h3>Missed targets</h3><ul>${missed.map((r) => item(r, `<b class="missed">${times(r.f.ratio)}</b> &lt; ${times(r.f.target!)}`)).join('')}</ul></div>`
      : '',
    fell.length
      ? `<div><h3>Down ≥ 10% since ${escapeHtml(previous!.commit)}</h3><ul>${fell.map((r) => item(r, `<b>${times(r.f.ratio)}</b> (${(r.change * 100).toFixed(0)}%)`)).join('')}</ul></div>`
      : '',
    '</div>',
  ].join('');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #222; background: #f4f5f7; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 8px; }
h3 { font-size: 13px; margin: 10px 0 2px; }
.lists { display: grid; grid-template-columns: 1fr 1fr; gap: 0 24px; font-size: 12.5px; line-height: 1.35; }
.lists ul { padding-left: 16px; } b.missed { color: #b71c1c; }
section, header { background: #fff; border-radius: 8px; padding: 14px 18px; margin: 14px 0; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.bars, .line { position: relative; }
.line { height: 380px; margin: 8px 0 18px; }
.meta { margin: 4px 0; } .dim { color: #777; } .note { font-size: 12.5px; margin: 6px 0 0; }
.chips .chip { display: inline-block; padding: 2px 10px; border-radius: 12px; background: #e6e8ec; margin-right: 6px; }
.chip.met { background: #d8efd9; color: #1b5e20; } .chip.missed { background: #f8d7d7; color: #8e1c1c; }
.chip.down { background: #fde7c8; color: #7a4500; }
.key { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; margin-top: 8px; color: #444; }
.swatch { display: inline-block; width: 22px; height: 11px; vertical-align: -1px; margin-right: 5px; }
.dash { display: inline-block; width: 0; height: 14px; border-left: 3px dashed #111; margin: 0 6px -2px 8px; }
details { margin-top: 6px; } summary { cursor: pointer; color: #555; }
table { border-collapse: collapse; font-size: 12px; margin-top: 6px; }
th, td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.met { color: #1b5e20; } td.missed { color: #b71c1c; font-weight: bold; }
ul { margin: 2px 0; padding-left: 20px; }
`;

function legend(runs: RunInfo[]): string {
  const swatch = (colour: string) => `<span class="swatch" style="background:${colour}"></span>`;
  const history = runs
    .map((run, i) => {
      const alpha = i === runs.length - 1 ? 0.95 : 0.18 + (0.45 * i) / Math.max(1, runs.length - 1);
      const when = run.date.slice(5, 16).replace('T', ' '); // MM-DD hh:mm: runs of one commit told apart
      return `${swatch(`rgba(60,60,60,${alpha})`)}${escapeHtml(run.commit)} ${escapeHtml(when)}${run.quick ? ' quick' : ''}`;
    })
    .join(' ');
  return [
    '<div class="key">',
    `<span>${swatch('rgba(46,125,50,.95)')}target met</span>`,
    `<span>${swatch('rgba(198,40,40,.95)')}target missed</span>`,
    `<span>${swatch('rgba(84,110,190,.95)')}no target</span>`,
    '<span><span class="dash"></span>target</span>',
    '<span>thin line: 1× (even)</span>',
    `</div><div class="key"><span>Bars in each row, oldest to newest (top to bottom): ${history}</span></div>`,
    '<p class="dim note">Ratio: Sluice ÷ peer for rates; peer ÷ Sluice where lower is better (latency, memory), so a longer bar is always better.',
    ' ▲/▼: change of the latest ratio since the previous run, where 10% or more. Hover a bar for its figures.',
    ' Figures are medians over rounds, (lowest–highest) beside them; the whisker on a bar is the range of its ratio',
    " those allow (Sluice's worst round against the peer's best, to its best against the peer's worst), and the",
    " whiskers on the scaling lines each figure's lowest to highest.</p>",
  ].join('');
}

/** The page's script: report-page.ts and the modules it imports, bundled into one ES module (types stripped). */
function pageScript(): string {
  const { outputFiles } = buildSync({
    entryPoints: [fileURLToPath(new URL('./report-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    write: false,
  });
  return outputFiles[0]!.text;
}

export function reportHtml(data: ReportData): string {
  // The UMD build is not in chart.js's exports map: find it beside the CommonJS entry (dist/chart.cjs).
  const chartJs = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.js'), 'utf8').replace(
    /\/\/# sourceMappingURL=.*\s*$/,
    '',
  );
  const page = pageScript();
  const latest = data.runs.at(-1);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>Sluice benchmarks${latest ? `: ${escapeHtml(latest.commit)}` : ''}</title>`,
    '<link rel="icon" href="data:,">',
    `<style>${STYLE}</style>`,
    `<script>${inScript(chartJs)}</script>`,
    '</head>',
    '<body><main>',
    '<header><h1>Sluice benchmarks</h1>',
    latest ? summary(data) : '<p>No results yet: run <code>pnpm bench</code>.</p>',
    '</header>',
    '<div id="suites"></div>',
    data.scaling.length
      ? '<section><h2>How cost grows with connections (latest run)</h2><div id="scaling"></div></section>'
      : '',
    `<script type="application/json" id="data">${inScript(JSON.stringify(data))}</script>`,
    `<script type="module">${inScript(page)}</script>`,
    '</main></body>',
    '</html>',
  ].join('\n');
}

/** Writes the report for the results in `dir`; resolves to the paths written (none if there are no results). */
export function writeReport(dir = new URL('./results/', import.meta.url)): string[] {
  const runs = loadRuns(dir);
  const newest = runs.at(-1);
  if (newest === undefined) return [];
  const html = reportHtml(reportData(runs));
  const files = [new URL(newest.file.replace(/\.json$/, '.html'), dir), new URL('latest.html', dir)];
  for (const file of files) writeFileSync(file, html);
  return files.map((f) => f.pathname);
}

if (isMain(import.meta.url)) {
  const written = writeReport();
  if (written.length === 0) console.log('No results in bench/results/ yet: run pnpm bench first.');
  else console.log(`Report written to ${written.join(' and ')}`);
  if (written.length > 0 && process.argv.includes('--png')) {
    const { screenshot } = await import('./screenshot.js');
    console.log(`Screenshot written to ${await screenshot(written.at(-1)!)}`);
  }
}
