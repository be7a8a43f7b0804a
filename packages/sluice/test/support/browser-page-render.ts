/**
 * The page's results as a table in Chromium's page body, for a person (or a
 * screenshot) to see (served beside support/browser-page.ts). No Node.
 */
import { hex } from './browser-page-bytes.js';
import type { PageInput, PageResults, RoundTrip } from './browser-page-codecs.js';

/** The results as a small table in the page, for a person (or a screenshot) to see. */
export function render(results: PageResults, input: PageInput): void {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const trips = (name: string, trip: RoundTrip<unknown>, expected: unknown[]) =>
    [
      name,
      `${expected.length} frames, ${trip.wire.length / 2} bytes, ${trip.decoded.length} cuttings`,
      trip.decoded.every((frames) => same(frames, expected)),
    ] as const;
  const rows = [
    ['pipe / map / collect', results.core.tenfold.join(', '), same(results.core.tenfold, [10, 20, 30, 40])],
    trips('lines()', results.lines, input.lines),
    trips('json()', results.json, input.json),
    trips(
      "lengthPrefixed({ width: 'varint' })",
      results.varint,
      input.bytes.map((frame) => hex(Uint8Array.from(frame))),
    ),
    [
      'oversized varint header',
      `${results.frameTooLong.code}: ${results.frameTooLong.message}`,
      results.frameTooLong.code === 'ERR_FRAME_TOO_LONG',
    ],
    [
      'rxjs from(decode(lines()))',
      results.rxjs.join(' | '),
      same(
        results.rxjs,
        input.lines.map((l) => l.toUpperCase()),
      ),
    ],
  ] as const;
  const table = document.createElement('table');
  for (const [name, detail, ok] of rows) {
    const row = table.insertRow();
    for (const text of [ok ? '✔' : '✘', name, detail]) row.insertCell().textContent = text;
    row.style.color = ok ? 'green' : 'crimson';
  }
  const heading = document.createElement('h1');
  heading.textContent = 'Sluice in Chromium: @sluice/core and @sluice/codec from dist/, with rxjs';
  const agent = document.createElement('p');
  agent.textContent = results.userAgent;
  document.body.replaceChildren(heading, table, agent);
  document.body.style.font = '14px sans-serif';
}
