/**
 * `import { ws, lines } from 'sluice'` in a web app: esbuild bundles it for
 * the browser (`platform: 'browser'`, so the `browser` export condition) from
 * the built packages (`dist/`, rebuilt first if stale), resolved as a user's
 * bundler resolves them: through `node_modules/sluice` (a link to
 * packages/sluice) and each package.json's `exports`. The bundle must hold no
 * Node import and none of `@sluice/net`; a Node-only name must fail the build,
 * naming itself; and TypeScript, resolving with the `browser` condition, must
 * see the same names (the browser entry's types promise nothing Node-only).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Message } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../../../test-support/built.js';

/** A web app's folder: its own node_modules with `sluice` in it, as an install leaves it. */
const app = mkdtempSync(join(tmpdir(), 'sluice-browser-bundle-'));
mkdirSync(join(app, 'node_modules'));
symlinkSync(join(ROOT, 'packages', 'sluice'), join(app, 'node_modules', 'sluice'), 'dir');

interface Bundle {
  code: string;
  /** The files bundled, relative to the repository root (through links: where they really are). */
  inputs: string[];
}

/** Bundles `source` (a module of the app) for the browser; rejects with esbuild's errors. */
async function bundle(source: string): Promise<Bundle> {
  const result = await build({
    stdin: { contents: source, resolveDir: app, sourcefile: 'app.ts', loader: 'ts' },
    absWorkingDir: ROOT,
    tsconfigRaw: {}, // not the repository's tsconfig.json, whose paths lead to the sources
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return {
    code: result.outputFiles[0]?.text ?? '',
    inputs: Object.keys(result.metafile.inputs),
  };
}

/** The text of the errors a failed bundle rejected with. */
async function bundleErrors(source: string): Promise<string[]> {
  try {
    await bundle(source);
  } catch (error) {
    return ((error as { errors?: Message[] }).errors ?? []).map((message) => message.text);
  }
  throw new Error('the bundle succeeded');
}

const NODE_IMPORT = /\b(?:from|import|require)\s*\(?\s*["'](?:node:|net["']|tls["']|dgram["']|ws["'])/;

beforeAll(() => ensureBuilt(['core', 'codec', 'connection', 'net', 'ws', 'rx', 'sluice']), 180_000);
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe("bundling 'sluice' for the browser (esbuild, platform browser, the built packages)", () => {
  it('bundles ws, codecs, pipelines and Connection with no Node import and nothing of @sluice/net', async () => {
    const { code, inputs } = await bundle(`
      import { collect, Connection, json, lines, pipe, SluiceError, ws } from 'sluice';
      export const app = { connect: ws.connect, messages: ws.messages, collect, Connection, json, lines, pipe, SluiceError };
    `);
    expect(inputs).toContain('packages/sluice/dist/browser.js');
    expect(inputs).toContain('packages/ws/dist/browser.js');
    expect(inputs.filter((file) => /packages\/net\/|node_modules\/(?:\.pnpm\/)?ws[@/]/.test(file))).toEqual([]);
    expect(code).not.toMatch(NODE_IMPORT);
    expect(code).toContain('WebSocket'); // the platform's, which ws.connect() opens
  });

  it.each([
    ['listen', 'Node TCP and IPC listener'],
    ['bind', 'Node UDP socket'],
    ['fromNodeSocket', 'node:net socket wrapper'],
  ])('refuses the Node-only %s (%s) at bundle time, naming it', async (name) => {
    const errors = await bundleErrors(`import { ${name} } from 'sluice';\nexport default ${name};`);
    expect(errors).toEqual([
      expect.stringMatching(new RegExp(`No matching export .*browser\\.js.* for import "${name}"`)),
    ]);
  });

  it("the ws namespace in the bundle is the browser's: connect, messages, WebSocketCloseError (no listen)", async () => {
    const { code } = await bundle(`import { ws } from 'sluice';\nexport const names = Object.keys(ws).sort();`);
    const loaded = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as { names: string[] };
    expect(loaded.names).toEqual(['WebSocketCloseError', 'connect', 'messages']);
  });

  it('sluice/rx bundles for the browser (observe, decodeWith, webSocket$) with no Node import; socket$ is refused', async () => {
    const { code, inputs } = await bundle(`
      import { lines } from 'sluice';
      import { decodeWith, observe, webSocket$ } from 'sluice/rx';
      export const app = { decode: decodeWith(lines()), observe, webSocket$ };
    `);
    expect(inputs).toContain('packages/rx/dist/browser.js');
    expect(inputs.filter((file) => file.includes('packages/net/'))).toEqual([]);
    expect(code).not.toMatch(NODE_IMPORT);
    const errors = await bundleErrors(`import { socket$ } from 'sluice/rx';\nexport default socket$;`);
    expect(errors).toEqual([expect.stringMatching(/No matching export .* for import "socket\$"/)]);
  });

  it('TypeScript with the browser condition sees the same names: ws.connect, not listen or ws.listen', {
    timeout: 60_000,
  }, () => {
    const file = join(app, 'app.ts');
    writeFileSync(
      file,
      [
        "import { json, listen, ws } from 'sluice';",
        "const conn = ws.connect('ws://127.0.0.1:1/live', { protocols: ['v1'] });",
        'void [conn, json, listen, ws.listen];',
      ].join('\n'),
    );
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      customConditions: ['browser'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
    });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(errors).toEqual([
      expect.stringMatching(/has no exported member named 'listen'|has no exported member 'listen'/),
      expect.stringMatching(/Property 'listen' does not exist/),
    ]);
  });
});
