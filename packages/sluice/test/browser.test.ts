/**
 * The transport-free packages run unchanged in a browser: headless Chromium
 * loads the built ESM files of @sluice/core and @sluice/codec (what npm
 * publishes, `dist/index.js`, rebuilt first if stale) and rxjs's ESM build,
 * by their bare names through an import map, from a static server on
 * loopback. The page (support/browser-page.ts) pipes, round-trips lines(),
 * json() and varint lengthPrefixed() under arbitrary chunk cuts, meets a coded
 * error, and reads a decoder through rxjs; this file asserts what it returns
 * in Node, against the same codecs run in Node, and that the page logged no
 * error.
 *
 * Needs Chromium (scripts/setup.sh installs Debian's); without it these tests
 * fail saying so, or are skipped with SLUICE_SKIP_BROWSER=1. Set
 * SLUICE_BROWSER_SCREENSHOT=/tmp/browser-test.png to keep a picture of the page.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { json, lengthPrefixed, lines } from '@sluice/codec';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserPage,
  type BrowserSession,
  extensionlessImports,
  htmlPage,
  launchBrowser,
  SKIP_BROWSER,
  typeScriptModule,
} from '../../../test-support/browser.js';
import { ensureBuilt, ROOT } from '../../../test-support/built.js';
import { arbitraryCuts, type Cuts, encodeAll, STANDARD_CUTS } from '../../../test-support/chunking.js';
import type { PageInput, PageResults } from './support/browser-page.js';

const dist = (name: string) => join(ROOT, 'packages', name, 'dist');
const requireHere = createRequire(import.meta.url);
/** rxjs's ES2015 module build (its `es2015` export), and the tslib build that a browser's `import` gets. */
const RXJS_ESM = join(dirname(requireHere.resolve('rxjs/package.json')), 'dist', 'esm');
const TSLIB = dirname(createRequire(RXJS_ESM).resolve('tslib/package.json'));

const IMPORT_MAP = {
  '@sluice/core': '/core/index.js',
  '@sluice/codec': '/codec/index.js',
  '@sluice/rx': '/rx/index.js',
  rxjs: '/rxjs/index.js',
  'rxjs/operators': '/rxjs/operators/index.js',
  tslib: '/tslib/tslib.es6.mjs',
  ...extensionlessImports('/rxjs/', RXJS_ESM), // rxjs's ESM imports './internal/Observable', without '.js'
};

const CUTTINGS: Cuts[] = [...STANDARD_CUTS, ...fc.sample(arbitraryCuts(), { seed: 20_251_125, numRuns: 30 })];

const INPUT: PageInput = {
  lines: ['hello', 'wörld 🌊 across a chunk edge', '', 'tab\tand "quotes"', 'last'],
  json: [{ id: 1, tags: ['a', 'ü'] }, [1, 2.5, null], 'a string', 42, null, true, { nested: { deeper: {} } }],
  // Varint headers of 1, 2 and 3 bytes.
  bytes: [0, 1, 127, 128, 300, 17_000].map((size) => Array.from({ length: size }, (_, i) => (i * 31 + size) % 256)),
  cuttings: CUTTINGS,
};

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe.skipIf(SKIP_BROWSER)('in a browser (headless Chromium)', () => {
  let session: BrowserSession | undefined;
  let page: BrowserPage | undefined;

  beforeAll(async () => {
    await ensureBuilt(['core', 'codec']);
    session = await launchBrowser({
      directories: {
        '/core/': dist('core'),
        '/codec/': dist('codec'),
        '/rx/': dist('rx'),
        '/rxjs/': RXJS_ESM,
        '/tslib/': TSLIB,
      },
      files: {
        '/index.html': htmlPage({ title: 'Sluice in a browser', importMap: IMPORT_MAP, body: '<p>running…</p>' }),
        '/browser-page.js': typeScriptModule(fileURLToPath(new URL('support/browser-page.ts', import.meta.url))),
      },
    });
    page = await session.open('/index.html');
  }, 180_000);

  afterAll(() => session?.close());

  it('runs @sluice/core and @sluice/codec from their built ESM files, with rxjs', async () => {
    const results = await page!.evaluate<PageResults>(
      `import('/browser-page.js').then((page) => page.runChecks(${JSON.stringify(INPUT)}))`,
    );

    expect(results.userAgent).toMatch(/Chrom/);
    expect(results.core).toEqual({ tenfold: [10, 20, 30, 40], squaresInOrder: [1, 4, 9, 16, 25, 36] });

    // Every codec encodes to the bytes Node does, and decodes them back under every cutting.
    const frames = INPUT.bytes.map((frame) => Uint8Array.from(frame));
    expect(results.lines.wire).toBe(hex(encodeAll(lines(), INPUT.lines)));
    expect(results.json.wire).toBe(hex(encodeAll(json(), INPUT.json)));
    expect(results.varint.wire).toBe(hex(encodeAll(lengthPrefixed({ width: 'varint' }), frames)));
    const everyCutting = <T>(decoded: T[]) => CUTTINGS.map(() => decoded);
    expect(results.lines.decoded).toEqual(everyCutting(INPUT.lines));
    expect(results.json.decoded).toEqual(everyCutting(INPUT.json));
    expect(results.varint.decoded).toEqual(everyCutting(frames.map(hex)));

    // A hostile header fails on its last byte, with the coded error, before any payload is pulled.
    expect(results.frameTooLong).toEqual({
      name: 'FrameTooLongError',
      code: 'ERR_FRAME_TOO_LONG',
      message: expect.stringContaining('1000000'),
      size: 1_000_000,
      limit: 1024,
      isSluiceError: true,
      isFrameTooLongError: true,
      chunksPulled: 3,
      framesBefore: 0,
    });

    expect(results.rxjs).toEqual(INPUT.lines.map((line) => line.toUpperCase()));

    const png = await page!.screenshot();
    expect(Buffer.from(png.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
    const screenshot = process.env['SLUICE_BROWSER_SCREENSHOT'];
    if (screenshot) writeFileSync(screenshot, png);

    expect(page!.errors).toEqual([]);
  });

  // Not yet: @sluice/rx's ESM build imports @sluice/net (sockets: Node's net, tls, dgram), so the browser refuses
  // the module graph: `TypeError: Failed to resolve module specifier "@sluice/net". Relative references must start
  // with either "/", "./", or "../".` Once rx's operators load without @sluice/net, this starts to pass, and vitest
  // reports it: then drop `.fails`.
  it.fails("runs @sluice/rx's decodeWith/encodeWith with rxjs (fails until @sluice/rx loads without @sluice/net)", async () => {
    await ensureBuilt(['rx']);
    const rxPage = await session!.open('/index.html');
    const results = await rxPage.evaluate<{ wire: string; decoded: string[][] }>(
      `import('/browser-page.js').then((page) => page.runRxChecks(...${JSON.stringify([INPUT.lines, CUTTINGS])}))`,
    );
    expect(results.wire).toBe(hex(encodeAll(lines(), INPUT.lines)));
    expect(results.decoded).toEqual(CUTTINGS.map(() => INPUT.lines));
    expect(rxPage.errors).toEqual([]);
  });
});
