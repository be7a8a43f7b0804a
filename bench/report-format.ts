/**
 * How the bench report shows a figure, in its charts and tables alike: a value
 * and its spread as text, a ratio as `1.23×`, the range a ratio's spreads
 * allow, whether a target was met, and the colour that says so. Used by the
 * page (`report-page.ts`), and by `report.ts` in Node for the summary.
 *
 * Every ratio is "higher is better" (`support.ts` defines it so: sluice/peer,
 * or peer/sluice where lower figures are better), and a target is met when
 * ratio ≥ target.
 */
import type { Figure, RunInfo, Spread } from './report-data.js';

/** The colours of the report, as `r, g, b`: a target met, missed, no target, and the peer. */
export const PASS = '46, 125, 50';
export const MISS = '198, 40, 40';
export const NONE = '84, 110, 190';
export const PEER = '120, 120, 120';

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
/** Whether `f` met its target; undefined where it has none. */
export const met = (f: Figure) => (f.target === undefined ? undefined : f.ratio >= f.target);
/** The colour of a bar: green where its target was met, red where missed, blue without a target. */
export const colour = (f: Figure, alpha: number) => {
  const verdict = met(f);
  return `rgba(${verdict === undefined ? NONE : verdict ? PASS : MISS}, ${alpha})`;
};
/** A run as a chart names it: its commit, `quick` if it was, and its date and time (UTC). */
export const runLabel = (run: RunInfo) =>
  `${run.commit}${run.quick ? ' quick' : ''}, ${run.date.slice(5, 10)} ${run.date.slice(11, 16)}`;
