/**
 * The scaling charts of the bench report, drawn with Chart.js in the page: for
 * each throughput metric, Sluice's line and each peer's against the number of
 * connections (log scale), each point labelled with its figure (and Sluice's
 * ratio to the peer) and a whisker for its spread; and one chart of memory
 * per connection.
 */
import type { Chart as ChartClass, Plugin } from 'chart.js';
import type { ScalingMetric, Spread } from './report-data.js';
import { formatValue, NONE, PEER, times } from './report-format.js';

/** Chart.js, inlined in the page beside the report's script as the `Chart` global. */
declare const Chart: typeof ChartClass;

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

/** Draws the scaling charts of `scaling` into `host`, one canvas each. */
export function scalingCharts(host: HTMLElement, scaling: ScalingMetric[]): void {
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
