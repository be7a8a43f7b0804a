/**
 * Every ```ts block of README.md, of each package's README and of docs/*.md
 * type-checks, with the workspace's strict settings: running a snippet
 * (readme.test.ts) strips its types unchecked, so a snippet a reader pastes
 * into their project could run here and still fail their `tsc`. Each block is
 * written to test/.snippets-tmp/ (git-ignored), where `sluice` and
 * `@sluice/*` resolve through the root tsconfig's paths, and all are checked
 * in one program. A block fenced ```ts fragment is a part of a program and
 * is not checked (see support/markdown.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/child.js';
import { type Block, blocksAt } from './support/markdown.js';

const TMP = resolve(ROOT, 'packages/sluice/test/.snippets-tmp');

const documents = [
  'README.md',
  ...readdirSync(resolve(ROOT, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((file) => existsSync(resolve(ROOT, file))),
  ...readdirSync(resolve(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

interface Snippet extends Block {
  document: string;
  /** Which ```ts block of its document, from 1 (as readme.test.ts counts them). */
  index: number;
  file: string;
}

const snippets: Snippet[] = documents.flatMap((document) =>
  blocksAt(readFileSync(resolve(ROOT, document), 'utf8'), 'ts').map((block, i) => ({
    ...block,
    document,
    index: i + 1,
    file: resolve(TMP, `${document.replace(/\.md$/, '').replace(/[/.]/g, '-')}-${i + 1}.ts`),
  })),
);

/** tsc's complaints about each snippet, as `document block N (line L): message`, by document. */
function check(): Map<string, string[]> {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  // `export {}` makes a block without imports a module too, so blocks do not share one global scope.
  for (const snippet of snippets) writeFileSync(snippet.file, `${snippet.code}export {};\n`);
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
  const program = ts.createProgram(
    snippets.map((snippet) => snippet.file),
    { ...config?.options, noEmit: true },
  );
  const failures = new Map<string, string[]>(documents.map((document) => [document, []]));
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) throw new Error(ts.formatDiagnostics(global, ts.createCompilerHost({})));
  for (const snippet of snippets) {
    const source = program.getSourceFile(snippet.file) as ts.SourceFile;
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    for (const diagnostic of diagnostics) {
      const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
      failures
        .get(snippet.document)
        ?.push(
          `${snippet.document} block ${snippet.index} (line ${snippet.line + line}): TS${diagnostic.code}: ${message}`,
        );
    }
  }
  return failures;
}

describe('code blocks type-check', () => {
  let failures: Map<string, string[]> | undefined;
  const failuresOf = (document: string) => (failures ??= check()).get(document);
  afterAll(() => {
    // Kept after a failure, to check by hand (`pnpm exec tsc --noEmit -p tsconfig.json` does not include them).
    if ([...(failures?.values() ?? [])].every((list) => list.length === 0))
      rmSync(TMP, { recursive: true, force: true });
  });

  it('finds the snippets of the READMEs and docs/', () => {
    expect(documents).toContain('README.md');
    expect(documents).toContain('docs/guide.md');
    expect(snippets.filter((snippet) => snippet.document === 'README.md').length).toBeGreaterThanOrEqual(4);
  });

  for (const document of documents) {
    const count = snippets.filter((snippet) => snippet.document === document).length;
    if (count === 0) continue;
    it(`${document}: each of its ${count} ts blocks passes tsc`, { timeout: 60_000 }, () => {
      expect(failuresOf(document)).toEqual([]);
    });
  }
});
