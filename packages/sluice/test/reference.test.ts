/**
 * `pnpm reference` (not `pnpm docs`: that is pnpm's own command, opening the
 * package's homepage) builds the HTML API reference (TypeDoc, configured in
 * typedoc.json) from the doc comments, and stays clean: it runs here (into a
 * temporary directory, not docs/reference/) and must exit 0 without a warning
 * — an export or member with no doc comment, a `{@link}` to nothing, a
 * referenced type that is not exported are warnings, and warnings are
 * errors. Every published entry point (each `exports` subpath of each
 * package.json) gets its page, and docs/api.md's links into the reference
 * (`reference/…`, which docs.test.ts leaves alone since the reference is
 * built, not committed) lead to pages that exist.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeExit, ROOT, runNode } from './support/child.js';

const out = mkdtempSync(join(tmpdir(), 'sluice-reference-'));

/** `@sluice/core`, `@sluice/connection/transport`, `sluice`, …: every name a user imports. */
const entryPoints = readdirSync(resolve(ROOT, 'packages')).flatMap((name) => {
  const file = resolve(ROOT, 'packages', name, 'package.json');
  if (!existsSync(file)) return [];
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; private?: boolean; exports: object };
  if (pkg.private === true) return [];
  return Object.keys(pkg.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => pkg.name + subpath.slice(1));
});

describe('pnpm reference', () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds the reference of every entry point without a warning', { timeout: 90_000 }, async () => {
    const scripts = (
      JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['reference']).toBe('typedoc');
    // What `pnpm reference` runs, into a directory of its own.
    const exit = await runNode(['node_modules/typedoc/bin/typedoc', '--out', out], { timeout: 80_000 }).exited;
    const output = `${exit.stdout}${exit.stderr}`;
    expect(exit.code, describeExit('typedoc', exit)).toBe(0);
    expect(output, describeExit('typedoc', exit)).not.toMatch(/\[(warning|error)\]/);

    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(entryPoints).toContain('@sluice/connection/transport');
    for (const name of entryPoints) {
      expect(existsSync(join(out, 'modules', `${name.replace(/[@/]/g, '_')}.html`)), `the page of ${name}`).toBe(true);
    }
    // Every "Defined in" link leads to a file of this repository, under the path GitHub shows it at.
    const sourceLinks = new Set<string>();
    for (const file of readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'))) {
      for (const m of readFileSync(join(out, file), 'utf8').matchAll(
        /href="https:\/\/github\.com\/[^"]*?\/blob\/main\/([^"#]+)/g,
      ))
        sourceLinks.add(m[1] as string);
    }
    expect(sourceLinks.size).toBeGreaterThan(50); // source files with exports
    expect(
      [...sourceLinks].filter((path) => !/^packages\/[\w-]+\/src\//.test(path) || !existsSync(resolve(ROOT, path))),
    ).toEqual([]);

    // The index gives each module the first paragraph of its comment.
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    const summarised = [
      ...index.matchAll(
        /<a href="modules\/[^"]+">([^<]+)<\/a>.*?<\/dt><dd class="tsd-member-summary">\s*<div class="tsd-comment[^>]*"><p>/gs,
      ),
    ];
    expect(summarised.map((m) => m[1]).sort()).toEqual([...entryPoints].sort());

    const connect = readFileSync(join(out, 'functions', '_sluice_net.connect.html'), 'utf8');
    expect(connect).toContain('Example'); // its doc comment's @example, rendered

    const api = readFileSync(resolve(ROOT, 'docs/api.md'), 'utf8');
    const links = [...api.matchAll(/\]\(reference\/([^)#\s]+)/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThanOrEqual(entryPoints.length);
    expect(links.filter((link) => !existsSync(join(out, link)))).toEqual([]);
  });
});
