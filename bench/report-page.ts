/**
 * The browser side of the bench report: draws the data that `bench/report.ts`
 * embeds in the page with Chart.js (inlined beside it as the `Chart` global).
 * Runs in the page, not in Node: `report.ts` strips its types and inlines it.
 *
 * Every ratio is "higher is better" (`support.ts` defines it so: sluice/peer,
 * or peer/sluice where lower figures are better), and a target is met when
 * ratio ≥ target.
 */
import type { Chart as ChartClass, ChartDataset, Plugin, TooltipItem } from 'chart.js';

export interface RunInfo {
  commit: string;
  date: string;
  node: string;
  quick: boolean;
}

/** The lowest and highest of a figure over the rounds it was taken in. */
export interface Spread {
  min: number;
  max: number;
}

export interface Figure {
  sluice: number;
  peer: number;
  ratio: number;
  target?: number | undefined;
  sluiceSpread?: Spread | undefined;
  peerSpread?: Spread | undefined;
}

export interface ReportRow {
  name: string;
  peerName: string;
  unit: string;
  /** One per run, oldest first; null where that run had no such row. */
  figures: (Figure | null)[];
}

export interface ScalingMetric {
  /** The row name without its connection count, e.g. "lengthPrefixed frames". */
  name: string;
  unit: string;
  peerName: string;
  points: {
    connections: number;
    sluice: number;
    peer: number;
    ratio: number;
    sluiceSpread?: Spread | undefined;
    peerSpread?: Spread | undefined;
  }[];
}

export interface ReportData {
  /** Oldest first; the last is the run the report is about. */
  runs: RunInfo[];
  suites: { title: string; rows: ReportRow[] }[];
  scaling: ScalingMetric[];
}

declare const Chart: typeof ChartClass;

const PASS = '46, 125, 50';
const MISS = '198, 40, 40';
const NONE = '84, 110, 190';
const PEER = '120, 120, 120';

export function formatValue(value: number, unit: string): string {
  const u = unit.trim();
  const digits = (v: number) => String(Number(v.toPrecision(3)));
  if (value >= 1e9) return `${digits(value / 1e9)} G${u}`;
  if (value >= 1e6) return `${digits(value / 1e6)} M${u}`;
  if (value >= 1e4) return `${digits(value / 1e3)} k${u}`;
  return `${digits(value)} ${u}`.trim();
}

/** `3.69 Mf/s`, and with a spread `3.69 Mf/s (3.5–3.8)`: the spread in the figure's own scale. */
export function formatSpread(value: number, unit: string, spread: Spread | undefined): string {
  const text = formatValue(value, unit);
  if (spread === undefined) return text;
  const scale = value >= 1e9 ? 1e9 : value >= 1e6 ? 1e6 : value >= 1e4 ? 1e3 : 1;
  const digits = (v: number) => String(Number((v / scale).toPrecision(v / scale >= 100 ? 3 : 2)));
  return `${text} (${digits(spread.min)}–${digits(spread.max)})`;
}

/**
 * The range of a figure's ratio that its spreads allow: Sluice's worst round
 * against the peer's best, to Sluice's best against the peer's worst (the
 * ratio being Sluice ÷ peer for rates, peer ÷ Sluice where lower is better).
 * Undefined unless both figures have a spread.
 */
export function ratioRange(f: Figure): Spread | undefined {
  const s = f.sluiceSpread;
  const p = f.peerSpread;
  if (s === undefined || p === undefined) return undefined;
  const rate = Math.abs(f.ratio * f.peer - f.sluice) <= 1e-9 * Math.abs(f.sluice);
  return rate ? { min: s.min / p.max, max: s.max / p.min } : { min: p.min / s.max, max: p.max / s.min };
}

/** Three significant digits: 7.65, 0.908 (so a ratio just under a 0.909 target does not print as equal to it). */
export const times = (ratio: number) => `${Number(ratio.toPrecision(3))}×`;
const met = (f: Figure) => (f.target === undefined ? undefined : f.ratio >= f.target);
const colour = (f: Figure, alpha: number) => {
  const verdict = met(f);
  return `rgba(${verdict === undefined ? NONE : verdict ? PASS : MISS}, ${alpha})`;
};
const runLabel = (run: RunInfo) =>
  `${run.commit}${run.quick ? ' quick' : ''}, ${run.date.slice(5, 10)} ${run.date.slice(11, 16)}`;

/** Dashed target line across each row's band, and the latest ratio (with its change) at the end of its bar. */
function annotations(rows: ReportRow[], latest: number): Plugin<'bar'> {
  return {
    id: 'annotations',
    afterDatasetsDraw(chart) {
      const { ctx, scales } = chart;
      const x = scales['x']!;
      const y = scales['y']!;
      const band = (y.bottom - y.top) / rows.length;
      ctx.save();
      // Parity: a ratio of 1.
      ctx.strokeStyle = 'rgba(0, 0, 0, 0.35)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x.getPixelForValue(1), y.top);
      ctx.lineTo(x.getPixelForValue(1), y.bottom);
      ctx.stroke();
      rows.forEach((row, i) => {
        const centre = y.getPixelForValue(i);
        const target = row.figures[latest]?.target;
        if (target !== undefined) {
          const at = x.getPixelForValue(target);
          ctx.strokeStyle = '#111';
          ctx.lineWidth = 2.5;
          ctx.setLineDash([5, 3]);
          ctx.beginPath();
          ctx.moveTo(at, centre - band * 0.46);
          ctx.lineTo(at, centre + band * 0.46);
          ctx.stroke();
          ctx.setLineDash([]);
        }
        const bar = chart.getDatasetMeta(latest).data[i];
        const figure = row.figures[latest];
        if (bar === undefined || figure == null) return;
        // The latest ratio's range over its rounds: a whisker across the end of its bar.
        const range = ratioRange(figure);
        let whiskerEnd = 0;
        if (range !== undefined) {
          // Kept within the plot: a spread below zero (memory after gc, at times) would run into the labels.
          const within = (at: number) => Math.min(x.right, Math.max(x.left, at));
          const from = within(x.getPixelForValue(range.min));
          whiskerEnd = within(x.getPixelForValue(range.max));
          ctx.strokeStyle = '#111';
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          ctx.moveTo(from, bar.y);
          ctx.lineTo(whiskerEnd, bar.y);
          for (const at of [from, whiskerEnd]) {
            ctx.moveTo(at, bar.y - 5);
            ctx.lineTo(at, bar.y + 5);
          }
          ctx.stroke();
        }
        const previous = row.figures.slice(0, latest).findLast((f) => f != null);
        const change = previous == null ? 0 : figure.ratio / previous.ratio - 1;
        const verdict = met(figure);
        let text = times(figure.ratio);
        if (Math.abs(change) >= 0.1) text += `  ${change > 0 ? '▲' : '▼'}${Math.abs(change * 100).toFixed(0)}%`;
        ctx.font = 'bold 12px system-ui, sans-serif';
        ctx.textBaseline = 'middle';
        ctx.fillStyle = verdict === false ? `rgb(${MISS})` : '#222';
        const end = Math.max(bar.x, whiskerEnd, target === undefined ? 0 : x.getPixelForValue(target));
        ctx.fillText(text, end + 6, bar.y);
      });
      ctx.restore();
    },
  };
}

function suiteChart(canvas: HTMLCanvasElement, rows: ReportRow[], runs: RunInfo[]): void {
  const latest = runs.length - 1;
  const alpha = (run: number) => (run === latest ? 0.95 : 0.18 + (0.45 * run) / Math.max(1, latest));
  const datasets: ChartDataset<'bar', (number | null)[]>[] = runs.map((run, r) => ({
    label: runLabel(run),
    data: rows.map((row) => row.figures[r]?.ratio ?? null),
    backgroundColor: rows.map((row) => (row.figures[r] ? colour(row.figures[r], alpha(r)) : 'transparent')),
    borderWidth: 0,
    skipNull: true, // a row that older runs lacked gets one full-size bar, not a gap
    maxBarThickness: 16,
    barPercentage: 0.92,
    categoryPercentage: 0.82,
  }));
  const highest = Math.max(
    1.2,
    ...rows.flatMap((row) => row.figures.flatMap((f) => (f ? [f.ratio, f.target ?? 0] : []))),
    ...rows.map((row) => ratioRange(row.figures[latest] ?? { sluice: 0, peer: 0, ratio: 0 })?.max ?? 0),
  );
  const labels = rows.map((row) => {
    const f = row.figures[latest]!;
    const target = f.target === undefined ? '' : `   target ≥ ${times(f.target)}`;
    return [
      row.name,
      `vs ${row.peerName}${target}`,
      `${formatSpread(f.sluice, row.unit, f.sluiceSpread)} vs ${formatSpread(f.peer, row.unit, f.peerSpread)}`,
    ];
  });
  new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    plugins: [annotations(rows, latest)],
    options: {
      indexAxis: 'y',
      animation: false,
      maintainAspectRatio: false,
      layout: { padding: { right: 84 } }, // room for the latest ratio, written past the end of its bar
      scales: {
        x: {
          min: 0,
          suggestedMax: highest * 1.08,
          title: { display: true, text: 'ratio (Sluice vs peer; longer is better)' },
          ticks: { callback: (value) => `${value}×` },
        },
        y: { ticks: { font: { size: 12 }, color: '#222', autoSkip: false } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'bar'>[]) => {
              const row = rows[items[0]?.dataIndex ?? 0]!;
              return `${row.name} vs ${row.peerName}`;
            },
            label: (item: TooltipItem<'bar'>) => {
              const row = rows[item.dataIndex]!;
              const f = row.figures[item.datasetIndex];
              if (!f) return '';
              const verdict =
                met(f) === undefined ? '' : met(f) ? ', target met' : `, target ${times(f.target!)} MISSED`;
              return `${runLabel(runs[item.datasetIndex]!)}: ${times(f.ratio)} (Sluice ${formatSpread(f.sluice, row.unit, f.sluiceSpread)}, peer ${formatSpread(f.peer, row.unit, f.peerSpread)}${verdict})`;
            },
          },
        },
      },
    },
  });
}

/**
 * Each point's `label` written above it (below it for the lowest point at its connection count, away from the
 * lines above), moved further out
 * where it would overlap a label already written at the same connection count.
 */
function pointLabels(): Plugin<'line'> {
  return {
    id: 'pointLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.font = '11px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      const placed = new Map<number, number[]>(); // x pixel → label centres written there
      const lowestAt = new Map<number, number>(); // x pixel → the largest y pixel of a point there
      chart.data.datasets.forEach((_, d) => {
        for (const point of chart.getDatasetMeta(d).data) {
          const x = Math.round(point.x);
          lowestAt.set(x, Math.max(lowestAt.get(x) ?? Number.NEGATIVE_INFINITY, point.y));
        }
      });
      chart.data.datasets.forEach((dataset, d) => {
        chart.getDatasetMeta(d).data.forEach((point, i) => {
          const text = (dataset.data[i] as { label?: string } | undefined)?.label;
          if (text === undefined) return;
          const lowest = lowestAt.get(Math.round(point.x)) === point.y;
          const below = lowest && point.y + 20 < chart.chartArea.bottom; // not into the axis
          const x = Math.round(point.x);
          const taken = placed.get(x) ?? [];
          let y = point.y + (below ? 13 : -13);
          while (taken.some((t) => Math.abs(t - y) < 13)) y += below ? 13 : -13;
          taken.push(y);
          placed.set(x, taken);
          // Near either end of the axis, the label runs inwards from its point rather than across the axis.
          const { left, right } = chart.chartArea;
          ctx.textAlign = point.x - left < 60 ? 'left' : right - point.x < 60 ? 'right' : 'center';
          const dx = ctx.textAlign === 'left' ? -4 : ctx.textAlign === 'right' ? 4 : 0;
          ctx.fillStyle = String(dataset.borderColor);
          ctx.fillText(text, point.x + dx, y);
        });
      });
      ctx.restore();
    },
  };
}

/** Each point's spread (`min`–`max` over rounds) as a vertical whisker, a line's whiskers a little beside another's. */
function spreadWhiskers(): Plugin<'line'> {
  return {
    id: 'spreadWhiskers',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const y = chart.scales['y']!;
      const lines = chart.data.datasets.length;
      const { left, top, right, bottom } = chart.chartArea;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left - 8, top, right - left + 16, bottom - top); // a spread below zero stops at the axis
      ctx.clip();
      ctx.lineWidth = 1.5;
      chart.data.datasets.forEach((dataset, d) => {
        const dx = (d - (lines - 1) / 2) * 5;
        ctx.strokeStyle = String(dataset.borderColor);
        chart.getDatasetMeta(d).data.forEach((point, i) => {
          const spread = (dataset.data[i] as { spread?: Spread } | undefined)?.spread;
          if (spread === undefined) return;
          const at = point.x + dx;
          const [low, high] = [y.getPixelForValue(spread.min), y.getPixelForValue(spread.max)];
          ctx.beginPath();
          ctx.moveTo(at, low);
          ctx.lineTo(at, high);
          for (const end of [low, high]) {
            ctx.moveTo(at - 4, end);
            ctx.lineTo(at + 4, end);
          }
          ctx.stroke();
        });
      });
      ctx.restore();
    },
  };
}

function lineChart(canvas: HTMLCanvasElement, title: string, unitTitle: string, lines: LineSpec[]): void {
  const levels = [...new Set(lines.flatMap((l) => l.points.map((p) => p.x)))].sort((a, b) => a - b);
  /** The axis reaches the top of every spread, so no whisker is cut. */
  const highest = Math.max(0, ...lines.flatMap((l) => l.points.map((p) => p.spread?.max ?? p.y)));
  new Chart(canvas, {
    type: 'line',
    data: {
      datasets: lines.map((l) => ({
        label: l.label,
        data: l.points,
        borderColor: l.colour,
        backgroundColor: l.colour,
        borderDash: l.dashed ? [6, 4] : [],
        borderWidth: 2.5,
        pointRadius: 4,
      })),
    },
    plugins: [spreadWhiskers(), pointLabels()],
    options: {
      animation: false,
      maintainAspectRatio: false,
      layout: { padding: { top: 12, right: 24, left: 8 } },
      scales: {
        x: {
          type: 'logarithmic',
          title: { display: true, text: 'concurrent connections (log scale)' },
          afterBuildTicks: (axis) => {
            axis.ticks = levels.map((value) => ({ value }));
          },
          ticks: { callback: (value) => Number(value).toLocaleString('en-US') },
        },
        y: {
          beginAtZero: true,
          suggestedMax: highest,
          grace: '15%',
          title: { display: true, text: unitTitle },
          ticks: { callback: (value) => formatValue(Number(value), '') },
        },
      },
      plugins: {
        title: { display: true, text: title, font: { size: 14 } },
        legend: { position: 'bottom' },
      },
    },
  });
}

interface LineSpec {
  label: string;
  colour: string;
  dashed: boolean;
  points: { x: number; y: number; label: string; spread?: Spread | undefined }[];
}

/** Line colours of the peers on a scaling chart, in the order their rows come. */
const PEER_LINES = [`rgb(${PEER})`, 'rgb(200, 120, 40)', 'rgb(120, 60, 160)'];

function scalingCharts(host: HTMLElement, scaling: ScalingMetric[]): void {
  const throughput = scaling.filter((m) => m.unit.trim() === 'f/s');
  const memory = scaling.filter((m) => m.unit.trim() === 'KiB');
  const canvas = () => {
    const box = document.createElement('div');
    box.className = 'line';
    const c = document.createElement('canvas');
    box.append(c);
    host.append(box);
    return c;
  };
  // One chart per metric: Sluice's line, then each peer's, labelled with Sluice's ratio to it.
  const byName = new Map<string, ScalingMetric[]>();
  for (const m of throughput) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
  for (const [name, peers] of byName) {
    lineChart(canvas(), `${name}: frames per second, all connections together`, 'frames/s', [
      {
        label: 'Sluice',
        colour: `rgb(${NONE})`,
        dashed: false,
        points: peers[0]!.points.map((p) => ({
          x: p.connections,
          y: p.sluice,
          label: formatValue(p.sluice, ''),
          spread: p.sluiceSpread,
        })),
      },
      ...peers.map((m, i) => ({
        label: `${m.peerName} (label: Sluice's ratio to it)`,
        colour: PEER_LINES[i % PEER_LINES.length]!,
        dashed: true,
        points: m.points.map((p) => ({
          x: p.connections,
          y: p.peer,
          label: `${formatValue(p.peer, '')} (${times(p.ratio)})`,
          spread: p.peerSpread,
        })),
      })),
    ]);
  }
  if (memory.length > 0) {
    const lines: LineSpec[] = memory.flatMap((m, i) => [
      {
        label: `Sluice, ${m.name}`,
        colour: i === 0 ? `rgb(${NONE})` : 'rgb(25, 45, 120)',
        dashed: i === 0,
        points: m.points.map((p) => ({
          x: p.connections,
          y: p.sluice,
          label: `${p.sluice.toFixed(1)}`,
          spread: p.sluiceSpread,
        })),
      },
      {
        label: `${m.peerName}, ${m.name}`,
        colour: i === 0 ? 'rgb(160, 160, 160)' : 'rgb(90, 90, 90)',
        dashed: i === 0,
        points: m.points.map((p) => ({
          x: p.connections,
          y: p.peer,
          label: `${p.peer.toFixed(1)}`,
          spread: p.peerSpread,
        })),
      },
    ]);
    lineChart(
      canvas(),
      'Memory per connection (KiB): flat means each connection costs the same',
      'KiB per connection',
      lines,
    );
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className !== undefined) e.className = className;
  return e;
}

function figuresTable(rows: ReportRow[], runs: RunInfo[]): HTMLElement {
  const details = el('details');
  details.append(el('summary', 'Figures'));
  const table = el('table');
  const head = el('tr');
  for (const h of ['row', 'peer', 'Sluice', 'peer', ...runs.map((r) => `${r.commit}${r.quick ? ' q' : ''}`), 'target'])
    head.append(el('th', h));
  table.append(head);
  const latest = runs.length - 1;
  for (const row of rows) {
    const tr = el('tr');
    const f = row.figures[latest]!;
    tr.append(el('td', row.name), el('td', row.peerName));
    tr.append(
      el('td', formatSpread(f.sluice, row.unit, f.sluiceSpread), 'num'),
      el('td', formatSpread(f.peer, row.unit, f.peerSpread), 'num'),
    );
    for (const g of row.figures) {
      const verdict = g ? met(g) : undefined;
      tr.append(el('td', g ? times(g.ratio) : '–', `num ${verdict === undefined ? '' : verdict ? 'met' : 'missed'}`));
    }
    tr.append(el('td', f.target === undefined ? '' : `≥ ${times(f.target)}`, 'num'));
    table.append(tr);
  }
  details.append(table);
  return details;
}

function render(data: ReportData): void {
  const main = document.getElementById('suites')!;
  for (const suite of data.suites) {
    const section = el('section');
    section.append(el('h2', suite.title));
    const box = el('div', undefined, 'bars');
    // Each row's band holds its three lines of label (name, peer, figures with their spreads).
    box.style.height = `${suite.rows.length * Math.max(50, data.runs.length * 11 + 30) + 60}px`;
    const canvas = el('canvas');
    box.append(canvas);
    section.append(box, figuresTable(suite.rows, data.runs));
    main.append(section);
    suiteChart(canvas, suite.rows, data.runs);
  }
  if (data.scaling.length > 0) scalingCharts(document.getElementById('scaling')!, data.scaling);
}

// In the page only: bench/report.ts imports this module's helpers in Node.
if (typeof document !== 'undefined') render(JSON.parse(document.getElementById('data')!.textContent!) as ReportData);
