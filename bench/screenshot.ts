/**
 * A PNG of the bench report, rendered by the system Chromium (headless,
 * through test-support/browser.ts: never a downloaded browser), so the page
 * can be checked, or shared, without opening it. Fails if the page logs an
 * error or draws no chart.
 *
 * Run: pnpm exec tsx bench/screenshot.ts [report.html] [out.png]
 * (defaults: bench/results/latest.html → bench/results/latest.png)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { launchBrowser } from '../test-support/browser.js';
import { isMain } from './support.js';

/** Renders `htmlFile` at `width` CSS pixels, the whole page, to `pngFile` (default: beside it, `.png`). */
export async function screenshot(htmlFile: string, pngFile = htmlFile.replace(/\.html$/, '.png'), width = 1200) {
  await using session = await launchBrowser({ files: { '/report.html': readFileSync(htmlFile, 'utf8') } });
  const { page, errors, evaluate } = await session.open('/report.html');
  await page.setViewport({ width, height: 900 });
  // Let the charts follow the new width before the picture is taken.
  await evaluate('new Promise((resolve) => setTimeout(resolve, 300))');
  const charts = await evaluate<number>('document.querySelectorAll("canvas").length');
  if (errors.length > 0 || charts === 0)
    throw new Error(`the report did not render (${charts} charts): ${errors.join('; ') || 'no errors logged'}`);
  writeFileSync(pngFile, await page.screenshot({ type: 'png', fullPage: true }));
  return pngFile;
}

if (isMain(import.meta.url)) {
  const [html = new URL('./results/latest.html', import.meta.url).pathname, png] = process.argv.slice(2);
  console.log(`Screenshot written to ${await screenshot(html, png)}`);
}
