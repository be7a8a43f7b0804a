/**
 * Every ```ts block of README.md (and of the package READMEs written for
 * newcomers) is a complete program: each is written to
 * test/.readme-tmp/<name>.ts (git-ignored) and run from the repository root
 * with `node --import tsx`, which resolves `sluice` and `@sluice/*` through
 * the root tsconfig's paths (snippets.test.ts type-checks them; a block fenced
 * ```ts fragment is neither run nor checked). Each must exit with 0, print something, and
 * print nothing on stderr. The README's CLI lines are run against each
 * other, and its Quick start must stay the two commands CI runs.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { describeExit, ROOT, runNode, runTs } from './support/child.js';
import { blocks } from './support/markdown.js';

const TIMEOUT = 60_000;
const TMP = 'packages/sluice/test/.readme-tmp';

const documents = [
  'README.md',
  'packages/core/README.md',
  'packages/net/README.md',
  'packages/rx/README.md',
  'packages/ws/README.md',
  'packages/sluice/README.md',
];
const readme = readFileSync(`${ROOT}/README.md`, 'utf8');

describe('README code blocks', () => {
  mkdirSync(`${ROOT}/${TMP}`, { recursive: true });
  let failed = false;
  afterAll(() => {
    if (!failed) rmSync(`${ROOT}/${TMP}`, { recursive: true, force: true }); // kept after a failure, to run by hand
  });

  it('the README has the snippets it promises', () => {
    expect(blocks(readme, 'ts').length).toBeGreaterThanOrEqual(4);
  });

  for (const document of documents) {
    const markdown = readFileSync(`${ROOT}/${document}`, 'utf8');
    // A ```js block is plain JavaScript as Node runs it (an .mjs file), with no TypeScript and no `await using`.
    const snippets = [...markdown.matchAll(/^```(ts|js)\n([\s\S]*?)^```$/gm)].map((match) => ({
      lang: match[1] as 'ts' | 'js',
      code: match[2] as string,
    }));
    snippets.forEach(({ code, lang }, index) => {
      const base = document.replace(/\/?README\.md$/, '').replace(/^packages\//, '') || 'README';
      const name = `${base}-${index + 1}.${lang === 'js' ? 'mjs' : 'ts'}`;
      const firstLine = code.split('\n').find((line) => !line.startsWith('import') && line.trim() !== '') ?? '';
      it(`${document} ${lang} block ${index + 1} runs to completion (${firstLine.trim().slice(0, 60)}…)`, {
        timeout: TIMEOUT,
      }, async () => {
        const file = `${TMP}/${name}`;
        writeFileSync(`${ROOT}/${file}`, code);
        if (lang === 'js') {
          // Node itself parses it (tsx would accept TypeScript and `await using` on any Node).
          const check = await runNode(['--check', file], { timeout: TIMEOUT - 5000 }).exited;
          failed ||= check.code !== 0;
          expect(check.code, describeExit(`node --check ${file}`, check)).toBe(0);
          expect(code, 'a plain-JavaScript snippet does without `await using`').not.toMatch(/\bawait using\b/);
        }
        const exit = await runTs(file, { timeout: TIMEOUT - 5000 }).exited;
        failed ||= exit.code !== 0;
        expect(exit.code, describeExit(file, exit)).toBe(0);
        expect(exit.stdout.trim(), describeExit(file, exit)).not.toBe('');
        expect(exit.stderr, describeExit(file, exit)).toBe('');
      });
    });
  }

  it('the CLI lines work against each other', { timeout: TIMEOUT }, async () => {
    const section = readme.slice(readme.indexOf('## The CLI'));
    const [listenLine, connectLine] = (blocks(section, 'sh')[0] ?? '').trim().split('\n');
    // `pnpm sluice` is the root package.json's script; its command runs here without pnpm around it.
    const cli = 'pnpm sluice ';
    const scripts = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts['sluice']).toBe('tsx packages/sluice/src/cli.ts');
    expect(listenLine).toMatch(new RegExp(`^${cli}listen .*--port 9000`));
    expect(connectLine).toMatch(new RegExp(`^${cli}connect 127\\.0\\.0\\.1:9000 `));
    const args = (line: string) => line.slice(cli.length).split(/\s+/);
    // The same commands, on a free port, with --once so the server ends after the client.
    const listen = runNode([
      '--import',
      'tsx',
      'packages/sluice/src/cli.ts',
      ...args(listenLine as string).map((a) => (a === '9000' ? '0' : a)),
      '--once',
    ]);
    const [, port] = await listen.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 'stderr');
    const connectArgs = args(connectLine as string).map((a) => a.replace(':9000', `:${port}`));
    const connect = await runNode(['--import', 'tsx', 'packages/sluice/src/cli.ts', ...connectArgs], {
      input: 'hello\nsluice\n',
    }).exited;
    expect(connect.code, describeExit('sluice connect', connect)).toBe(0);
    expect(connect.stdout).toBe('hello\nsluice\n');
    expect((await listen.exited).code).toBe(0);
  });

  it('the README opens with what a user needs (install, a first program) and links the policies', () => {
    const install = readme.indexOf('```sh\nnpm install sluice\n```');
    const firstProgram = readme.indexOf('```ts\n');
    expect(install, 'an npm install line').toBeGreaterThan(-1);
    expect(install, 'installing comes before the first program').toBeLessThan(firstProgram);
    expect(firstProgram, 'the first program comes before setting up a clone').toBeLessThan(
      readme.indexOf('## Quick start'),
    );
    for (const link of ['SECURITY.md', 'docs/diagnostics.md', 'CONTRIBUTING.md'])
      expect(readme).toContain(`](${link})`);
  });

  it('Quick start is exactly the two commands .ci/run runs', () => {
    const quickStart = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
    );
    const commands = (blocks(quickStart, 'sh')[0] ?? '').trim().split('\n');
    expect(commands).toHaveLength(2);
    expect(quickStart.trim()).toBe(`## Quick start\n\n\`\`\`sh\n${commands.join('\n')}\n\`\`\``);
    const ci = readFileSync(`${ROOT}/.ci/run`, 'utf8').split('\n');
    for (const command of commands) expect(ci).toContain(command);
  });
});
