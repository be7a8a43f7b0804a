/**
 * Keeps the docs honest: docs/api.md lists exactly the exports of each
 * package's `src/index.ts`, and of `@sluice/connection/transport` (read with
 * the TypeScript compiler, so `export *` and `export type *` count), each
 * linked to the file that declares it; and
 * every relative link in the README, the package READMEs and docs/ leads to
 * a file, or a heading, that exists (links into the built reference,
 * docs/reference/, are reference.test.ts's to check).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/child.js';

const PACKAGES = ['core', 'codec', 'connection', 'net', 'rx', 'ws'] as const;
/** The entry points besides each package's `src/index.ts`, by the name they are imported with. */
const SUBPATHS = { 'connection/transport': 'packages/connection/src/for-transports.ts' } as const;
/** Every entry point api.md has a section for (`@sluice/<name>`), and the package that declares its own exports. */
const ENTRIES: readonly (readonly [name: string, file: string, home: string])[] = [
  ...PACKAGES.map((name) => [name, `packages/${name}/src/index.ts`, name] as const),
  ...Object.entries(SUBPATHS).map(([name, file]) => [name, file, name.split('/')[0] as string] as const),
];

/** Each entry point's exports (and `sluice`'s), with the repository-relative file declaring each. */
function readExports(): Record<string, Map<string, string>> {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  const named = [
    ...ENTRIES,
    ['sluice', 'packages/sluice/src/index.ts', 'sluice'] as const,
    ['sluice/rx', 'packages/sluice/src/rx.ts', 'sluice'] as const,
    ['sluice/browser', 'packages/sluice/src/browser.ts', 'sluice'] as const,
  ];
  const entries = named.map(([, file]) => resolve(ROOT, file));
  const program = ts.createProgram(entries, { ...config?.options, noEmit: true });
  const checker = program.getTypeChecker();
  const result: Record<string, Map<string, string>> = {};
  for (const [i, [name]] of named.entries()) {
    const source = program.getSourceFile(entries[i] as string) as ts.SourceFile;
    const exports = new Map<string, string>();
    for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(source) as ts.Symbol)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const declaration = target.declarations?.[0];
      exports.set(symbol.name, declaration ? relative(ROOT, declaration.getSourceFile().fileName) : '?');
    }
    result[name] = exports;
  }
  return result;
}

/** The `- [`name`](../path)` lines of one `## heading` section of api.md. */
function listed(api: string, heading: string): Map<string, string> {
  const start = api.indexOf(`\n## ${heading}\n`);
  expect(start, `docs/api.md has a "## ${heading}" section`).toBeGreaterThan(-1);
  const end = api.indexOf('\n## ', start + 1);
  const section = api.slice(start, end < 0 ? undefined : end);
  return new Map(
    [...section.matchAll(/^- \[`([^`]+)`\]\(\.\.\/([^)]+)\)/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
}

/** The names a section says it re-exports: `Re-exported from `@sluice/x`: `A`, `B`.` */
function reexported(api: string, heading: string): Set<string> {
  const start = api.indexOf(`\n## ${heading}\n`);
  const end = api.indexOf('\n## ', start + 1);
  const section = api.slice(start, end < 0 ? undefined : end);
  const line = /^Re-exported from `@sluice\/\w+`[^:]*:(.*)$/m.exec(section)?.[1] ?? '';
  return new Set([...line.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
}

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');

describe('docs', () => {
  const api = readFileSync(resolve(ROOT, 'docs/api.md'), 'utf8');

  it('docs/api.md lists every public export of every package, linked to the file that declares it', {
    timeout: 60_000,
  }, () => {
    const exports = readExports();
    for (const [name, , home] of ENTRIES) {
      const all = exports[name] as Map<string, string>;
      // Names declared in another package are re-exports: listed by name, documented there.
      const own = (file: string) => file.startsWith(`packages/${home}/`);
      const actual = new Map([...all].filter(([, file]) => own(file)));
      const foreign = [...all].filter(([, file]) => !own(file)).map(([key]) => key);
      expect(foreign.sort(), `names @sluice/${name} re-exports, as its section of docs/api.md says`).toEqual(
        [...reexported(api, `@sluice/${name}`)].sort(),
      );
      const documented = listed(api, `@sluice/${name}`);
      expect(
        [...actual.keys()].filter((key) => !documented.has(key)),
        `exports of @sluice/${name} missing from docs/api.md`,
      ).toEqual([]);
      expect(
        [...documented.keys()].filter((key) => !actual.has(key)),
        `docs/api.md lists names @sluice/${name} does not export`,
      ).toEqual([]);
      for (const [key, file] of actual) expect(documented.get(key), `the link of ${key}`).toBe(file);
    }
    // `sluice` adds nothing of its own: the list above covers it.
    // `@sluice/ws` is there as the namespace `ws` (its connect and listen would clash with net's); `@sluice/rx` is
    // `sluice/rx`, so that `sluice` never loads rxjs; the browser build is the same without `@sluice/net`.
    const keys = (name: string) => [...(exports[name] as Map<string, string>).keys()];
    const union = (names: readonly string[]) => [...new Set([...names.flatMap(keys), 'ws'])].sort();
    expect(keys('sluice').sort()).toEqual(union(['core', 'codec', 'connection', 'net']));
    expect(keys('sluice/browser').sort()).toEqual(union(['core', 'codec', 'connection']));
    expect(keys('sluice/rx').sort()).toEqual(keys('rx').sort());
    // What transport authors need is theirs to import from `@sluice/connection/transport`: users are not shown it.
    const sluice = exports.sluice as Map<string, string>;
    const forTransports = [...(exports['connection/transport'] as Map<string, string>).keys()];
    expect(forTransports.length).toBeGreaterThan(5);
    expect(
      forTransports.filter((key) => sluice.has(key)),
      'names for transport authors that sluice exports',
    ).toEqual([]);
  });

  it("sluice's README and module comment name every package it re-exports", () => {
    const index = readFileSync(resolve(ROOT, 'packages/sluice/src/index.ts'), 'utf8');
    const reexports = [...index.matchAll(/^export \*(?: as \w+)? from '(@sluice\/[\w/]+)';$/gm)].map((m) => m[1]);
    expect(reexports.length).toBeGreaterThanOrEqual(5);
    const comment = index.slice(0, index.indexOf('*/'));
    const readme = readFileSync(resolve(ROOT, 'packages/sluice/README.md'), 'utf8');
    const intro = readme.slice(0, readme.indexOf('```'));
    for (const name of reexports) {
      expect(comment, 'the module comment of packages/sluice/src/index.ts').toContain(`\`${name}\``);
      expect(intro, 'the first paragraph of packages/sluice/README.md').toContain(`\`${name}\``);
    }
  });

  it("SECURITY.md's way to report a vulnerability is the repository every package names", () => {
    const urls = [...PACKAGES, 'sluice'].map(
      (name) =>
        (
          JSON.parse(readFileSync(resolve(ROOT, `packages/${name}/package.json`), 'utf8')) as {
            repository: { url: string };
          }
        ).repository.url,
    );
    expect(new Set(urls).size, 'one repository for every package').toBe(1);
    const repository = /github\.com\/([^/]+\/[^/.]+)/.exec(urls[0] as string)?.[1];
    expect(readFileSync(resolve(ROOT, 'SECURITY.md'), 'utf8')).toContain(
      `https://github.com/${repository}/security/advisories/new`,
    );
  });

  it('every relative link in the READMEs and docs/ leads somewhere that exists', () => {
    const documents = [
      'README.md',
      'CONTRIBUTING.md',
      'SECURITY.md',
      ...['core', 'connection', 'net', 'rx', 'ws', 'sluice'].map((name) => `packages/${name}/README.md`),
      ...readdirSync(resolve(ROOT, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`),
    ];
    const broken: string[] = [];
    for (const document of documents) {
      const text = readFileSync(resolve(ROOT, document), 'utf8').replace(/^```[\s\S]*?^```$/gm, ''); // not inside code blocks
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target as string)) continue; // https:, mailto:
        // docs/reference/ is built by `pnpm reference`, not committed: reference.test.ts checks these links.
        if (document.startsWith('docs/') && (target as string).startsWith('reference/')) continue;
        const [path, anchor] = (target as string).split('#') as [string, string | undefined];
        const file = path === '' ? resolve(ROOT, document) : resolve(ROOT, dirname(document), path);
        if (!existsSync(file)) broken.push(`${document}: ${target}`);
        else if (anchor !== undefined && file.endsWith('.md')) {
          const headings = [...readFileSync(file, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1] as string));
          if (!headings.includes(anchor)) broken.push(`${document}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
