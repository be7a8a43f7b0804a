/**
 * examples/web/ as a person would see it: `server.ts` runs as a newcomer runs
 * it (`node --import tsx examples/web/server.ts`, a free port), headless
 * Chromium opens the URL it prints, and the page connects over its own
 * WebSocket with the built @sluice/ws and @sluice/codec. A Sluice client in
 * this process joins the same room: what it sends must appear in the page's
 * DOM, what the page sends through its form must reach it, and the page's
 * meters must move (the graph: the server's event-loop utilization). Then the server stops (SIGTERM): the page
 * must say it is reconnecting; started again on the same port, the page must be connected again, by itself,
 * and live.
 *
 * Needs Chromium (see browser.test.ts; SLUICE_SKIP_BROWSER=1 skips). Set
 * SLUICE_WEB_EXAMPLE_SCREENSHOT=/tmp/web-example.png to keep a picture of the page (and
 * -reconnecting.png, -reconnected.png beside it: while the server is down, and after it is back).
 */
import { writeFileSync } from 'node:fs';
import { json } from '@sluice/codec';
import { connect, messages } from '@sluice/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, launchBrowser, SKIP_BROWSER } from '../../../test-support/browser.js';
import { ensureBuilt } from '../../../test-support/built.js';
import { type Child, describeExit, runTs } from './support/child.js';

const TIMEOUT = 20_000;

interface RoomEvent {
  type: string;
  from?: string;
  text?: string;
}

describe.skipIf(SKIP_BROWSER)('examples/web/ in a browser (headless Chromium)', () => {
  let server: Child | undefined;
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    await ensureBuilt(['core', 'codec', 'connection', 'ws']); // what the page imports
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    if (server !== undefined && server.process.exitCode === null) server.process.kill('SIGKILL');
  });

  it('shows live traffic: messages from a Node client appear, the page talks back, meters move; it reconnects by itself after the server restarts', {
    timeout: 2 * TIMEOUT,
  }, async () => {
    server = runTs('examples/web/server.ts', {
      env: { PORT: '0', SLUICE_EXAMPLE_ONCE: undefined },
      timeout: 2 * TIMEOUT,
    });
    const [, origin] = await server.waitFor(/web example on (http:\/\/127\.0\.0\.1:\d+)\//);
    session = await launchBrowser({ timeout: 8000 });
    const view = await session.open(`${origin}/`);
    const { page } = view;
    await page.setViewport({ width: 820, height: 720 });
    await page.waitForSelector('#status[data-state="open"]');

    // A Sluice client in Node joins the room: one JSON value per WebSocket message.
    await using conn = await connect(`${origin!.replace('http:', 'ws:')}/live`, { timeout: 5000 });
    const io = conn.framed(json<RoomEvent>({ framing: messages() }));
    const welcome = await io.read({ signal: AbortSignal.timeout(5000) });
    expect(welcome).toMatchObject({ type: 'welcome', clients: 2 });
    await page.waitForFunction(() => document.querySelector('#clients')?.textContent === '2');

    const said = ['grüße from Node', 'frames go by one JSON value per message', '<b>not bold</b>: text, not HTML'];
    for (const text of said) await io.write({ type: 'say', from: 'node', text });
    await page.waitForFunction(
      (texts: string[]) => {
        const shown = Array.from(document.querySelectorAll('#messages .text'), (element) => element.textContent);
        return texts.every((text) => shown.includes(text));
      },
      {},
      said,
    );
    expect(await page.$$eval('#messages li', (items) => items.map((item) => item.textContent))).toEqual(
      said.map((text) => expect.stringContaining(`node${text}`)),
    );
    expect(await page.$$eval('#messages b', (bold) => bold.length), 'markup from the network is shown as text').toBe(0);

    // The page talks back through its form; the Node client hears it.
    await page.$eval('#name', (input) => {
      (input as HTMLInputElement).value = 'chromium';
    });
    await page.type('#text', 'hi Node, from Chromium');
    await page.click('#send');
    let heard: RoomEvent | undefined;
    do
      heard = await io.read({ signal: AbortSignal.timeout(5000) }); // past ticks and presence
    while (heard !== undefined && !(heard.type === 'message' && heard.from === 'chromium'));
    expect(heard).toMatchObject({ type: 'message', from: 'chromium', text: 'hi Node, from Chromium' });
    await page.waitForFunction(
      () => document.querySelector('#messages li:last-child.mine .text')?.textContent === 'hi Node, from Chromium',
    );

    // The server's ticks keep the meters moving.
    await page.waitForFunction(() => Number(document.querySelector('#fps')?.textContent) >= 3);
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll<HTMLElement>('#graph i')).filter((bar) => parseFloat(bar.style.height) > 0)
          .length >= 5,
    );
    // The graph is a real measure, labelled as such: the server's event-loop utilization, in percent.
    expect(await page.$eval('.chart-label', (element) => element.textContent)).toMatch(/event-loop utilization/);
    expect(await page.$eval('#elu', (element) => element.textContent)).toMatch(/^\d{1,3}\.\d% busy$/);
    const frames = Number((await page.$eval('#frames', (element) => element.textContent))?.replace(/,/g, ''));
    expect(frames).toBeGreaterThanOrEqual(said.length + 1);

    const screenshot = process.env['SLUICE_WEB_EXAMPLE_SCREENSHOT'];
    if (screenshot) writeFileSync(screenshot, await view.screenshot());

    // Ctrl-C (SIGTERM here): the server closes the room gracefully; the page says it is reconnecting, and retries.
    await conn.close();
    server.process.kill('SIGTERM');
    const exit = await server.exited;
    expect(exit.code, describeExit('examples/web/server.ts', exit)).toBe(0);
    expect(exit.stdout).toMatch(/web example stopped/);
    await page.waitForFunction(() =>
      /^reconnecting in \d+ ms…$/.test(document.querySelector('#status')?.textContent ?? ''),
    );
    expect(await page.$eval('#status', (element) => element.getAttribute('data-state'))).toBe('reconnecting');
    expect(await page.$eval('#send', (button) => (button as HTMLButtonElement).disabled)).toBe(true);
    if (screenshot) writeFileSync(screenshot.replace(/(\.png)?$/, '-reconnecting.png'), await view.screenshot());

    // The server starts again on the same port: the page connects by itself, and the room is live again.
    const framesBefore = Number((await page.$eval('#frames', (element) => element.textContent))?.replace(/,/g, ''));
    server = runTs('examples/web/server.ts', {
      env: { PORT: new URL(origin!).port, SLUICE_EXAMPLE_ONCE: undefined },
      timeout: TIMEOUT,
    });
    await server.waitFor(/web example on http:\/\/127\.0\.0\.1:\d+\//);
    await page.waitForSelector('#status[data-state="open"]');
    expect(await page.$eval('#status', (element) => element.textContent)).toBe('connected');
    await page.waitForFunction(
      (before: number) => Number(document.querySelector('#frames')?.textContent?.replace(/,/g, '')) >= before + 3,
      {},
      framesBefore,
    );
    expect(await page.$eval('#send', (button) => (button as HTMLButtonElement).disabled)).toBe(false);
    // What was said before the restart is still shown, once.
    expect(await page.$$eval('#messages .text', (items) => items.map((item) => item.textContent))).toEqual([
      ...said,
      'hi Node, from Chromium',
    ]);
    if (screenshot) writeFileSync(screenshot.replace(/(\.png)?$/, '-reconnected.png'), await view.screenshot());

    server.process.kill('SIGTERM');
    const again = await server.exited;
    expect(again.code, describeExit('examples/web/server.ts', again)).toBe(0);
    await page.waitForSelector('#status[data-state="reconnecting"]');
    // Chromium logs each refused WebSocket itself (the attempts made while the server was down): nothing else.
    const refused = /^console\.error: WebSocket connection to '[^']+\/live' failed: .*ERR_CONNECTION_REFUSED/;
    expect(view.errors.filter((error) => !refused.test(error))).toEqual([]);
  });
});

/**
 * examples/browser/ as a person would see it: `server.ts` bundles the page's
 * program with esbuild, headless Chromium opens the URL it prints, and the
 * page's `webSocket$` shows the server's figures and a ping's round trip.
 * "Drop connection" makes the server close with code 4000: the subject errors,
 * and `retry()` reconnects. Set SLUICE_BROWSER_EXAMPLE_SCREENSHOT=/tmp/x.png
 * to keep a picture of the page.
 */
describe.skipIf(SKIP_BROWSER)('examples/browser/ in a browser (headless Chromium)', () => {
  let server: Child | undefined;
  let session: BrowserSession | undefined;

  afterAll(async () => {
    await session?.close();
    if (server !== undefined && server.process.exitCode === null) server.process.kill('SIGKILL');
  });

  it('webSocket$ shows live figures, and reconnects after the server drops it', { timeout: TIMEOUT }, async () => {
    server = runTs('examples/browser/server.ts', {
      env: { PORT: '0', SLUICE_EXAMPLE_ONCE: undefined },
      timeout: TIMEOUT,
    });
    const [, origin] = await server.waitFor(/browser example on (http:\/\/127\.0\.0\.1:\d+)\//);
    session = await launchBrowser({ timeout: 8000 });
    const view = await session.open(`${origin}/`);
    const { page } = view;
    await page.setViewport({ width: 820, height: 560 });
    await page.waitForSelector('#status[data-state="open"]');
    await page.waitForFunction(() => /^\d+\.\d%$/.test(document.querySelector('#elu')?.textContent ?? ''));
    await page.waitForFunction(() => /^\d+\.\d ms$/.test(document.querySelector('#rtt')?.textContent ?? ''));
    expect(await page.$eval('#heap', (element) => element.textContent)).toMatch(/^\d+\.\d MB$/);
    expect(await page.$eval('#clients', (element) => element.textContent)).toBe('1');

    // The server closes with 4000 on request: an error notification, and retry() opens connection 2.
    await page.click('#drop');
    await page.waitForFunction(() => document.querySelector('#connections')?.textContent === '2');
    await page.waitForSelector('#status[data-state="open"]');
    const log = await page.$$eval('#log li', (items) => items.map((item) => item.textContent));
    expect(log).toEqual([
      expect.stringMatching(/connected$/),
      expect.stringMatching(/closed with 4000 dropped on request; reconnecting in 1 s$/),
      expect.stringMatching(/reconnected \(connection 2\)$/),
    ]);
    await page.waitForFunction(
      () => document.querySelectorAll<HTMLElement>('#graph i[style*="height"]:not([style*="height: 0"])').length >= 3,
    );

    const screenshot = process.env['SLUICE_BROWSER_EXAMPLE_SCREENSHOT'];
    if (screenshot) writeFileSync(screenshot, await view.screenshot());

    // Ctrl-C (SIGTERM here): the server closes normally, so the subject completes and the page says so.
    server.process.kill('SIGTERM');
    const exit = await server.exited;
    expect(exit.code, describeExit('examples/browser/server.ts', exit)).toBe(0);
    expect(exit.stdout).toMatch(/browser example stopped/);
    await page.waitForSelector('#status[data-state="closed"]');
    expect(view.errors).toEqual([]);
  });
});
