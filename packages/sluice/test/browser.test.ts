/**
 * Sluice runs unchanged in a browser: headless Chromium loads the built ESM
 * files (what npm publishes, rebuilt first if stale) of @sluice/core,
 * @sluice/codec and @sluice/connection (`dist/index.js`, and `dist/transport.js`
 * for `@sluice/connection/transport`), the browser builds of
 * @sluice/ws and @sluice/rx (`dist/browser.js`, which bundlers pick through the
 * `browser` export condition) and rxjs's ESM build, by their bare names through
 * an import map, from a static server on loopback. The page
 * (support/browser-page.ts) pipes, round-trips lines(), json() and varint
 * lengthPrefixed() under arbitrary chunk cuts, meets a coded error, reads a
 * decoder through rxjs and through @sluice/rx, and talks over real WebSockets
 * to a Sluice server in this process (`listen({ server, path: '/ws' })` of
 * @sluice/ws on the static server, so the page's own origin); this file
 * asserts what it returns in Node, what the server received, and that the page
 * logged no error.
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
import type { Connection } from '@sluice/connection';
import { listen, messages, type WebSocketListener } from '@sluice/ws';
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
import { arbitraryCuts, type Cuts, encodeAll, rechunk, STANDARD_CUTS } from '../../../test-support/chunking.js';
import { within } from '../../../test-support/waits.js';
import type {
  PageInput,
  PageResults,
  WebSocketJsonResults,
  WebSocketLinesInput,
  WebSocketLinesResults,
  WebSocketRxResults,
} from './support/browser-page.js';

const dist = (name: string) => join(ROOT, 'packages', name, 'dist');
const requireHere = createRequire(import.meta.url);
/** rxjs's ES2015 module build (its `es2015` export), and the tslib build that a browser's `import` gets. */
const RXJS_ESM = join(dirname(requireHere.resolve('rxjs/package.json')), 'dist', 'esm');
const TSLIB = dirname(createRequire(RXJS_ESM).resolve('tslib/package.json'));

const IMPORT_MAP = {
  '@sluice/core': '/core/index.js',
  '@sluice/codec': '/codec/index.js',
  '@sluice/connection': '/connection/index.js',
  '@sluice/connection/transport': '/connection/transport.js',
  '@sluice/ws': '/ws/browser.js',
  '@sluice/rx': '/rx/browser.js',
  rxjs: '/rxjs/index.js',
  'rxjs/operators': '/rxjs/operators/index.js',
  tslib: '/tslib/tslib.es6.mjs',
  ...extensionlessImports('/rxjs/', RXJS_ESM), // rxjs's ESM imports './internal/Observable', without '.js'
};

/**
 * The page's modules in support/ (browser-page.ts, the entry, and the modules
 * it imports), each served at `/<name>.js` with its types stripped, so that
 * their relative imports resolve in the page.
 */
const PAGE_MODULES = [
  'browser-page',
  'browser-page-codecs',
  'browser-page-websocket',
  'browser-page-render',
  'browser-page-bytes',
];
const moduleAt = (path: string) => typeScriptModule(fileURLToPath(new URL(path, import.meta.url)));
const pageModules = () =>
  Object.fromEntries([
    ...PAGE_MODULES.map((name) => [`/${name}.js`, moduleAt(`support/${name}.ts`)]),
    // browser-page-bytes.ts's import of ../../../../test-support/cut-bytes.js, resolved from the page's root.
    ['/test-support/cut-bytes.js', moduleAt('../../../test-support/cut-bytes.ts')],
  ]);

const CUTTINGS: Cuts[] = [...STANDARD_CUTS, ...fc.sample(arbitraryCuts(), { seed: 20_251_125, numRuns: 30 })];

const INPUT: PageInput = {
  lines: ['hello', 'wörld 🌊 across a chunk edge', '', 'tab\tand "quotes"', 'last'],
  json: [{ id: 1, tags: ['a', 'ü'] }, [1, 2.5, null], 'a string', 42, null, true, { nested: { deeper: {} } }],
  // Varint headers of 1, 2 and 3 bytes.
  bytes: [0, 1, 127, 128, 300, 17_000].map((size) => Array.from({ length: size }, (_, i) => (i * 31 + size) % 256)),
  cuttings: CUTTINGS,
};

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** The Sluice WebSocket endpoint, on the static server (the page's origin). */
const WS_PATH = '/ws';

/**
 * What the server sends first in the lines conversation: lines whose bytes it writes raw, cut into one binary
 * message per piece, so that lines, and the UTF-8 of 'ö' and '🌊', straddle messages.
 */
const SERVER_LINES = ['hello from Node', 'wörld 🌊 across messages', '', 'last'];
// Cut inside 'hello', into an empty message (3, 3), inside 'ö' (bytes 17-18), '🌊' (bytes 23-26) and 'across'.
const SERVER_PIECES = rechunk(encodeAll(lines(), SERVER_LINES), [3, 3, 18, 25, 33]);

const LINES_INPUT: WebSocketLinesInput = {
  path: WS_PATH,
  serverLines: SERVER_LINES.length,
  pageLines: ['from the page', 'ünïcödé 🌊', ''],
  pageRawLines: ['raw α', 'raw 🌊 β', 'raw end'],
  rawCuts: [2, 5, 7, 13, 17, 20], // inside 'α' (bytes 4-5), '🌊' (bytes 11-14) and 'β' (bytes 16-17)
};

/** What the server heard on one connection: the first message says which conversation it is. */
type Conversation = { kind: 'lines'; received: string[] } | { kind: 'json'; received: unknown[] };

/**
 * The server's half. `{ conversation: 'lines' }` as the first message (one JSON value) switches the connection to
 * `lines()`: the server writes SERVER_PIECES raw, then answers each line with `echo: <line>`. Anything else starts
 * an echo of JSON values, one per message. Either way it ends when the page does.
 */
async function converse(conn: Connection): Promise<Conversation> {
  const first = conn.framed(json({ framing: messages() }), { keepOpen: true });
  const hello = await first.read();
  if (typeof hello === 'object' && hello !== null && (hello as { conversation?: unknown }).conversation === 'lines') {
    for (const piece of SERVER_PIECES) await conn.write(piece);
    const io = conn.framed(lines());
    const received: string[] = [];
    for await (const line of io) {
      received.push(line);
      await io.write(`echo: ${line}`);
    }
    return { kind: 'lines', received };
  }
  const received: unknown[] = [];
  if (hello !== undefined) {
    received.push(hello);
    await first.write(hello);
  }
  for await (const value of first) {
    received.push(value);
    await first.write(value);
  }
  return { kind: 'json', received };
}

describe.skipIf(SKIP_BROWSER)('in a browser (headless Chromium)', () => {
  let session: BrowserSession | undefined;
  let page: BrowserPage | undefined;
  let wsListener: WebSocketListener | undefined;
  let served: Promise<unknown> | undefined;
  /** Every connection the WebSocket server took, in order, as what it heard; and any handler error. */
  const conversations: Promise<Conversation>[] = [];
  const serverErrors: unknown[] = [];

  /** Runs `expression` in a fresh page and resolves with its value and what the server heard on the one connection it opened. */
  async function talk<T>(expression: string): Promise<{ results: T; heard: Conversation; errors: readonly string[] }> {
    const before = conversations.length;
    const wsPage = await session!.open('/index.html');
    const results = await wsPage.evaluate<T>(expression);
    expect(conversations.length, 'connections the server took').toBe(before + 1);
    const heard = await within(conversations[before]!, 5000, 'the server to finish the conversation');
    await wsPage.page.close();
    return { results, heard, errors: wsPage.errors };
  }

  beforeAll(async () => {
    await ensureBuilt(['core', 'codec', 'connection', 'ws', 'rx']);
    session = await launchBrowser({
      directories: {
        '/core/': dist('core'),
        '/codec/': dist('codec'),
        '/connection/': dist('connection'),
        '/ws/': dist('ws'),
        '/rx/': dist('rx'),
        '/rxjs/': RXJS_ESM,
        '/tslib/': TSLIB,
      },
      files: {
        '/index.html': htmlPage({ title: 'Sluice in a browser', importMap: IMPORT_MAP, body: '<p>running…</p>' }),
        ...pageModules(),
      },
    });
    // Sluice's WebSocket server on the static server: same origin as the page.
    wsListener = await listen({ server: session.server, path: WS_PATH });
    served = wsListener.serve(
      (conn) => {
        const conversation = converse(conn);
        conversations.push(conversation);
        return conversation.then(() => {});
      },
      { onError: (error) => serverErrors.push(error) },
    );
    page = await session.open('/index.html');
  }, 180_000);

  afterAll(async () => {
    await wsListener?.close();
    await served;
    await session?.close();
    expect(serverErrors).toEqual([]);
  });

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

  it("runs @sluice/rx's decodeWith/encodeWith with rxjs, from its browser build", async () => {
    const rxPage = await session!.open('/index.html');
    const results = await rxPage.evaluate<{ wire: string; decoded: string[][] }>(
      `import('/browser-page.js').then((page) => page.runRxChecks(...${JSON.stringify([INPUT.lines, CUTTINGS])}))`,
    );
    expect(results.wire).toBe(hex(encodeAll(lines(), INPUT.lines)));
    expect(results.decoded).toEqual(CUTTINGS.map(() => INPUT.lines));
    expect(rxPage.errors).toEqual([]);
    await rxPage.page.close();
  });

  it("connects with @sluice/ws's connect() to a Sluice server in Node: lines() across messages, both ways", async () => {
    const { results, heard, errors } = await talk<WebSocketLinesResults>(
      `import('/browser-page.js').then((page) => page.runWebSocketLines(${JSON.stringify(LINES_INPUT)}))`,
    );
    expect(SERVER_PIECES.length).toBeGreaterThan(SERVER_LINES.length); // lines did straddle messages
    expect(results.fromServer).toEqual(SERVER_LINES);
    const sent = [...LINES_INPUT.pageLines, ...LINES_INPUT.pageRawLines];
    expect(results.rawPieces).toEqual(
      rechunk(encodeAll(lines(), LINES_INPUT.pageRawLines), LINES_INPUT.rawCuts).map((piece) => piece.length),
    );
    expect(heard).toEqual({ kind: 'lines', received: sent });
    expect(results.echoes).toEqual(sent.map((line) => `echo: ${line}`));
    expect(results.afterClose).toBe('end'); // the page half-closed, the server's loop ended, then the stream did
    expect(results.bytesOut).toBe(
      Buffer.byteLength(JSON.stringify({ conversation: 'lines' })) + encodeAll(lines(), sent).length,
    );
    expect(errors).toEqual([]);
  });

  it("connects with @sluice/ws's connect(): json({ framing: messages() }), one value per message", async () => {
    const { results, heard, errors } = await talk<WebSocketJsonResults>(
      `import('/browser-page.js').then((page) => page.runWebSocketJson(${JSON.stringify([WS_PATH, INPUT.json]).slice(1, -1)}))`,
    );
    expect(heard).toEqual({ kind: 'json', received: INPUT.json });
    expect(results.echoes).toEqual(INPUT.json);
    expect(results.afterClose).toBe('end');
    expect(results.framesOut).toBe(INPUT.json.length);
    expect(results.framesIn).toBe(INPUT.json.length);
    expect(errors).toEqual([]);
  });

  it('webSocket$ of @sluice/rx: sends values, gets the echo, completes', async () => {
    const values = [...INPUT.json, { last: true }];
    const { results, heard, errors } = await talk<WebSocketRxResults>(
      `import('/browser-page.js').then((page) => page.runWebSocketRx(${JSON.stringify([WS_PATH, values]).slice(1, -1)}))`,
    );
    expect(heard).toEqual({ kind: 'json', received: values });
    expect(results.echoes).toEqual(values);
    expect(results.notifications).toEqual(['complete']);
    expect(results.opened).toBe(1);
    expect(results.closes).toEqual([{ wasClean: true }]);
    expect(errors).toEqual([]);
  });
});
