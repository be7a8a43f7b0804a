/**
 * What users install is what they may call: the published `.d.ts` of every
 * package (every entry point, and the chunks they share) shows nothing internal (no `@internal` symbol, no name from a
 * `src/internal/` file), and every error class it exports has its code in the
 * error table of docs/api.md. Reads the built `dist/`, rebuilding first if any
 * source is newer than it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { distFile, ensureBuilt, listFiles, ROOT } from '../../../test-support/built.js';

const PACKAGES = ['core', 'codec', 'connection', 'net', 'rx', 'ws'] as const;

/** Every ESM declaration file of a package: its entry points' and the chunks they share. */
const declarations = (name: (typeof PACKAGES)[number]) =>
  readdirSync(distFile(name, ''))
    .filter((file) => file.endsWith('.d.ts'))
    .map((file) => readFileSync(distFile(name, file), 'utf8'))
    .join('\n');

beforeAll(() => ensureBuilt(PACKAGES), 180_000);

describe('the published types', () => {
  it.each(PACKAGES)('@sluice/%s shows no @internal symbol and no name from src/internal/', (name) => {
    const published = declarations(name);
    expect(published).not.toContain('@internal');
    const internalNames = listFiles(join(ROOT, 'packages', name, 'src', 'internal')).flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(/^export (?:abstract )?(?:class|interface|type|function|const) (\w+)/gm),
      ].map((match) => match[1] as string),
    );
    const code = published.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''); // names in prose do not count
    const leaked = internalNames.filter((internal) => new RegExp(`\\b${internal}\\b`).test(code));
    expect(leaked, `internal names in packages/${name}/dist/*.d.ts`).toEqual([]);
  });

  it('every exported error class has its code in the error table of docs/api.md', () => {
    const api = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
    const table = api.slice(api.indexOf('\n## Error codes\n'));
    const rows = new Map(
      [...table.matchAll(/^\| `([A-Z_]+)` \| `(\w+)`/gm)].map((match) => [match[2] as string, match[1] as string]),
    );
    const classes = PACKAGES.flatMap((name) =>
      [...declarations(name).matchAll(/^declare class (\w+Error) extends/gm)].map((match) => match[1] as string),
    );
    expect(classes.length).toBeGreaterThan(5);
    const missing = classes.filter((cls) => cls !== 'SluiceError' && !rows.has(cls));
    expect(missing, 'error classes with no row in the table').toEqual([]);
  });
});
