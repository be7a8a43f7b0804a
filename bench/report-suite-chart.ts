/**
 * The bar chart of one suite in the bench report, drawn with Chart.js in the
 * page: per row, its ratio to its peer in every run shown (the latest
 * boldest), its target as a dashed line, the latest ratio written at the end
 * of its bar with its change since the previous run, and a whisker for the
 * range its spreads allow. The rows' figures are tabled by `report-table.ts`.
 */
import type { Chart as ChartClass, ChartDataset, Plugin, TooltipItem } from 'chart.js';
import type { ReportRow, RunInfo } from './report-data.js';
import { colour, formatSpread, MISS, met, ratioRange, runLabel, times } from './report-format.js';

/** Chart.js, inlined in the page beside the report's script as the `Chart` global. */
declare const Chart: typeof ChartClass;

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

/** Draws the bar chart of a suite's `rows` over `runs` (oldest first) on `canvas`. */
export function suiteChart(canvas: HTMLCanvasElement, rows: ReportRow[], runs: RunInfo[]): void {
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
