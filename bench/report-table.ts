/**
 * The table of figures under each suite's chart in the bench report (folded
 * away until opened): per row, the latest Sluice and peer figures with their
 * spreads, the ratio in every run shown (marked met or missed), and the
 * target. Also the small DOM helper the page builds its elements with.
 */
import type { ReportRow, RunInfo } from './report-data.js';
import { formatSpread, met, times } from './report-format.js';

/** A new `tag` element, with its text and class if given. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className !== undefined) e.className = className;
  return e;
}

/** The figures of a suite's `rows` over `runs` (oldest first), as a table in a closed `<details>`. */
export function figuresTable(rows: ReportRow[], runs: RunInfo[]): HTMLElement {
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
