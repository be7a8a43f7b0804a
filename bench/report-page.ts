/**
 * The browser side of the bench report: draws the data that `bench/report.ts`
 * embeds in the page, a bar chart and a table of figures per suite, then the
 * scaling charts, with Chart.js (inlined beside it as the `Chart` global).
 * Runs in the page, not in Node: `report.ts` bundles it, with the modules it
 * imports, into one script and inlines it.
 *
 * What it draws with: `report-suite-chart.ts` (a suite's bars),
 * `report-table.ts` (its figures), `report-scaling-charts.ts` (cost against
 * connections), `report-format.ts` (figures as text, colours); the data's
 * shape is `report-data.ts`.
 */
import type { ReportData } from './report-data.js';
import { scalingCharts } from './report-scaling-charts.js';
import { suiteChart } from './report-suite-chart.js';
import { el, figuresTable } from './report-table.js';

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

// In the page only (Node imports the modules above, never this one).
if (typeof document !== 'undefined') render(JSON.parse(document.getElementById('data')!.textContent!) as ReportData);
