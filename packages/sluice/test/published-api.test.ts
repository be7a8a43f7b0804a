/**
 * What users install is what they may call: the published `.d.ts` of every
 * package shows nothing internal (no `@internal` symbol, no name from a
 * `src/internal/` file), and every error class it exports has its code in the
 * error table of docs/api.md. Reads the built `dist/`, rebuilding first if any
 * source is newer than it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/child.js';

const PACKAGES = ['core', 'codec', 'net', 'rx'] as const;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const declarations = (name: string) => join(ROOT, 'packages', name, 'dist', 'index.d.ts');

function isStale(name: string): boolean {
  try {
    const built = statSync(declarations(name)).mtimeMs;
    const inputs = [
      ...files(join(ROOT, 'packages', name, 'src')),
      join(ROOT, 'tsconfig.base.json'),
      join(ROOT, 'tsup.config.base.ts'),
    ];
    return inputs.some((file) => statSync(file).mtimeMs > built);
  } catch {
    return true; // never built
  }
}

beforeAll(() => {
  if (PACKAGES.some(isStale)) execFileSync('pnpm', ['build'], { cwd: ROOT, stdio: 'ignore' });
}, 180_000);

describe('the published types', () => {
  it.each(PACKAGES)('@sluice/%s shows no @internal symbol and no name from src/internal/', (name) => {
    const published = readFileSync(declarations(name), 'utf8');
    expect(published).not.toContain('@internal');
    const internalNames = files(join(ROOT, 'packages', name, 'src', 'internal')).flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(/^export (?:abstract )?(?:class|interface|type|function|const) (\w+)/gm),
      ].map((match) => match[1] as string),
    );
    const code = published.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''); // names in prose do not count
    const leaked = internalNames.filter((internal) => new RegExp(`\\b${internal}\\b`).test(code));
    expect(leaked, `internal names in packages/${name}/dist/index.d.ts`).toEqual([]);
  });

  it('every exported error class has its code in the error table of docs/api.md', () => {
    const api = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
    const table = api.slice(api.indexOf('\n## Error codes\n'));
    const rows = new Map(
      [...table.matchAll(/^\| `([A-Z_]+)` \| `(\w+)`/gm)].map((match) => [match[2] as string, match[1] as string]),
    );
    const classes = PACKAGES.flatMap((name) =>
      [...readFileSync(declarations(name), 'utf8').matchAll(/^declare class (\w+Error) extends/gm)].map(
        (match) => match[1] as string,
      ),
    );
    expect(classes.length).toBeGreaterThan(5);
    const missing = classes.filter((cls) => cls !== 'SluiceError' && !rows.has(cls));
    expect(missing, 'error classes with no row in the table').toEqual([]);
  });
});
