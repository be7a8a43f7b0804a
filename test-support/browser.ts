/**
 * A real browser for tests: the system's Chromium, headless, driven by
 * puppeteer-core, loading real files from a static HTTP server on loopback.
 *
 * - {@link launchBrowser} starts the server (on 127.0.0.1, a free port) and
 *   Chromium (a fresh temporary profile), and {@link BrowserSession.open}
 *   opens a page on it that records every console error, uncaught page error
 *   and failed request.
 * - {@link BrowserSession.close} stops everything (browser, server, profile),
 *   whatever state a failed test left them in; every wait is bounded.
 * - {@link htmlPage} writes a page with an import map, {@link extensionlessImports}
 *   lets a map resolve an ESM build whose imports leave out `.js` (rxjs's), and
 *   {@link typeScriptModule} serves a TypeScript test file to the page with its
 *   types stripped (checked by `pnpm typecheck` like any test).
 *
 * Installs nothing: scripts/setup.sh installs Debian's `chromium` (never a
 * downloaded browser). Where Chromium is missing the caller fails with
 * {@link browserMissing}, unless the test is skipped with SLUICE_SKIP_BROWSER=1
 * ({@link SKIP_BROWSER}).
 */
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import ts from 'typescript';
import { within } from './waits.js';

/** The Chromium to run: `CHROMIUM_PATH`, or Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

/** Whether the browser tests are to be skipped (SLUICE_SKIP_BROWSER=1). */
export const SKIP_BROWSER = process.env['SLUICE_SKIP_BROWSER'] === '1';

/** The failure of a browser test on a machine without Chromium at `path`. */
export const browserMissing = (path = CHROMIUM_PATH) =>
  `Chromium is not installed (no executable at ${path}), so the browser tests cannot run. Install it ` +
  '(bash scripts/setup.sh does, as the README Quick start says; or apt-get install chromium), point CHROMIUM_PATH at a ' +
  'Chromium or Chrome, or set SLUICE_SKIP_BROWSER=1 to skip the browser tests.';

/** Chromium's flags: headless, and nothing that reaches beyond loopback on its own. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface LaunchOptions {
  /** URL path prefixes (ending in `/`) and the directories they serve: `{ '/core/': 'packages/core/dist' }`. */
  directories?: Readonly<Record<string, string>> | undefined;
  /** URL paths served from memory: `{ '/index.html': htmlPage(…) }`. Their extension picks the Content-Type. */
  files?: Readonly<Record<string, string>> | undefined;
  /** Milliseconds that any one step (launch, navigation, evaluation, close) may take. @default 15000 */
  timeout?: number | undefined;
}

export interface BrowserPage {
  /** The puppeteer page, for what the helpers below do not cover. */
  readonly page: Page;
  /** Console errors, uncaught page errors, failed and not-found requests, in order. */
  readonly errors: readonly string[];
  /** Evaluates a JavaScript expression in the page and resolves with its (awaited, JSON-serialisable) value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the page's viewport. */
  screenshot(): Promise<Uint8Array>;
}

export interface BrowserSession {
  /** The server's origin, `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The static server, for a test that adds to it (an `'upgrade'` listener for WebSockets, say). */
  readonly server: Server;
  readonly browser: Browser;
  /** Opens `path` on the server in a new page and resolves once it has loaded. */
  open(path: string): Promise<BrowserPage>;
  /** Closes the browser, the server and the temporary profile; never rejects, and safe to call again. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the static server and Chromium. Rejects with {@link browserMissing} if there is no Chromium to run. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
  const timeout = options.timeout ?? 15_000;
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(browserMissing());
  }

  const server = await serve(options.directories ?? {}, options.files ?? {});
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  let browser: Browser | undefined;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      if (browser !== undefined) await closeBrowser(browser, timeout);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    })());

  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      ignoreDefaultArgs: true, // exactly these flags, not puppeteer's defaults
      args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, 'about:blank'],
      pipe: true, // DevTools over a pipe: no debugging port
      timeout,
      protocolTimeout: timeout,
    });
  } catch (error) {
    await close();
    throw error;
  }
  const launched = browser;

  const open = async (path: string): Promise<BrowserPage> => {
    const page = await launched.newPage();
    page.setDefaultTimeout(timeout);
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'assert') return;
      const { url, lineNumber } = message.location();
      errors.push(`console.${message.type()}: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error instanceof Error ? error.stack : String(error)}`));
    page.on('requestfailed', (request) =>
      errors.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(new URL(path, origin).href, { waitUntil: 'load', timeout });
    return {
      page,
      errors,
      evaluate: <T>(expression: string) =>
        within(page.evaluate(expression) as Promise<T>, timeout, `evaluating ${expression} in ${path}`),
      screenshot: () => within(page.screenshot({ type: 'png' }), timeout, `a screenshot of ${path}`),
    };
  };

  return { origin, server, browser: launched, open, close, [Symbol.asyncDispose]: close };
}

/** An HTML page that loads `modules` (URL paths) under `importMap`, with an empty favicon so none is requested. */
export function htmlPage(options: {
  title: string;
  importMap?: Readonly<Record<string, string>> | undefined;
  modules?: readonly string[] | undefined;
  body?: string | undefined;
}): string {
  const imports = JSON.stringify({ imports: options.importMap ?? {} }, null, 2);
  const scripts = (options.modules ?? []).map((src) => `<script type="module" src="${src}"></script>`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${options.title}</title>`,
    '<link rel="icon" href="data:,">',
    `<script type="importmap">\n${imports}\n</script>`,
    ...scripts,
    '</head>',
    `<body>${options.body ?? ''}</body>`,
    '</html>',
  ].join('\n');
}

/**
 * Import-map entries that send each extensionless module URL under `urlPrefix` to its `.js` file in `dir`. An ESM
 * build written for bundlers (rxjs's `dist/esm`: `export … from './internal/Observable'`) then loads in a browser as
 * published, from a plain static server.
 */
export function extensionlessImports(urlPrefix: string, dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) {
        const url = urlPrefix + relative(dir, path).split(sep).join('/');
        entries[url.slice(0, -'.js'.length)] = url;
      }
    }
  };
  walk(dir);
  return entries;
}

/** The TypeScript module at `file` as JavaScript for the page: types stripped, imports left as written (bare ones resolve through the import map). */
export function typeScriptModule(file: string): string {
  return ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
    },
  }).outputText;
}

/** Closes Chromium, and kills it if it has not exited within `timeout` ms. */
async function closeBrowser(browser: Browser, timeout: number): Promise<void> {
  const child = browser.process();
  try {
    await within(browser.close(), timeout, 'closing Chromium');
  } catch {
    if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** A static file server on 127.0.0.1, a free port: GET and HEAD only, known Content-Types only, 404 otherwise. */
async function serve(
  directories: Readonly<Record<string, string>>,
  files: Readonly<Record<string, string>>,
): Promise<Server> {
  const roots = Object.entries(directories).map(([prefix, dir]) => [prefix, resolve(dir)] as const);
  const server = createServer((request, response) => {
    let path = request.url ?? '/';
    try {
      path = decodeURIComponent(new URL(path, 'http://127.0.0.1').pathname);
    } catch {} // a malformed URL: served nothing below
    const type = CONTENT_TYPES[extname(path)];
    const servable = type !== undefined && (request.method === 'GET' || request.method === 'HEAD');
    let body: string | Buffer | undefined = servable ? files[path] : undefined;
    if (body === undefined && servable) {
      for (const [prefix, dir] of roots) {
        if (!path.startsWith(prefix)) continue;
        const file = resolve(dir, `.${path.slice(prefix.length - 1)}`);
        if (file !== dir && !file.startsWith(dir + sep)) continue; // no way out of the directory
        try {
          body = readFileSync(file);
          break;
        } catch {}
      }
    }
    if (body === undefined || type === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  server.listen(0, '127.0.0.1');
  await within(
    new Promise<void>((resolveListening, reject) => {
      server.once('listening', resolveListening);
      server.once('error', reject);
    }),
    5_000,
    'the static server to listen',
  );
  return server;
}
