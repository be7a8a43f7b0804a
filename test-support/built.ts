/**
 * The built packages, for tests that read `packages/<name>/dist/` rather than
 * the TypeScript sources (the published types, the browser tests): tells
 * whether a package's build is missing or older than its inputs, and rebuilds
 * the stale ones before such a test reads them.
 *
 * Test files run in parallel, and a build empties `dist/` before writing it
 * (tsup's `clean`), so builds take a lock (a directory, created atomically)
 * and look again once they hold it: a second test file never rebuilds what
 * the first one has just built and may be reading. Waiting for the lock is
 * event-driven (a watch on its folder) and bounded.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The workspace packages that are built to `dist/`, in dependency order. */
export type PackageName = 'core' | 'codec' | 'connection' | 'net' | 'rx' | 'ws' | 'sluice';

/** Every file under `dir`, recursively. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** `packages/<name>/dist/<file>`. */
export const distFile = (name: PackageName, file: string) => join(ROOT, 'packages', name, 'dist', file);

/** Whether `packages/<name>/dist` is missing, or older than any of its sources or the shared build settings. */
export function isStale(name: PackageName): boolean {
  try {
    // tsup writes the JavaScript first and the declarations last: the older of the two dates the build.
    const built = Math.min(
      statSync(distFile(name, 'index.js')).mtimeMs,
      statSync(distFile(name, 'index.d.ts')).mtimeMs,
    );
    const inputs = [
      ...listFiles(join(ROOT, 'packages', name, 'src')),
      join(ROOT, 'tsconfig.base.json'),
      join(ROOT, 'tsup.config.base.ts'),
    ];
    return inputs.some((file) => statSync(file).mtimeMs > built);
  } catch {
    return true; // never built
  }
}

/**
 * Rebuilds those of `packages` whose `dist/` is stale (see {@link isStale}), in dependency order, and resolves once
 * all are fresh. Rejects with the build's output if it fails, or if it (or the wait for another test file's build)
 * takes longer than `timeout` ms.
 */
export async function ensureBuilt(packages: readonly PackageName[], timeout = 180_000): Promise<void> {
  if (!packages.some(isStale)) return;
  const deadline = Date.now() + timeout;
  const release = await lock(deadline);
  try {
    const stale = packages.filter(isStale); // again: another test file may have built them while we waited
    if (stale.length === 0) return;
    const filters = stale.flatMap((name) => ['--filter', name === 'sluice' ? 'sluice' : `@sluice/${name}`]);
    try {
      execFileSync('pnpm', [...filters, 'build'], {
        cwd: ROOT,
        stdio: 'pipe',
        encoding: 'utf8',
        timeout: Math.max(1, deadline - Date.now()),
        killSignal: 'SIGKILL',
      });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`pnpm ${[...filters, 'build'].join(' ')} failed:\n${stdout}\n${stderr}`, { cause: error });
    }
  } finally {
    release();
  }
}

const LOCK_PARENT = join(ROOT, 'node_modules', '.cache');
const LOCK = join(LOCK_PARENT, 'sluice-build.lock');

/** Takes the build lock, waiting for its holder to release it (or to have died); resolves with the release. */
async function lock(deadline: number): Promise<() => void> {
  mkdirSync(LOCK_PARENT, { recursive: true });
  const watcher = watch(LOCK_PARENT); // before the first attempt, so no release goes unseen
  watcher.on('error', () => {});
  try {
    for (;;) {
      try {
        mkdirSync(LOCK);
        writeFileSync(join(LOCK, 'pid'), String(process.pid));
        return () => rmSync(LOCK, { recursive: true, force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (!holderAlive()) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`another test file held the build lock ${LOCK} for too long`);
      await once(watcher, 'change', { signal: AbortSignal.timeout(left) }).catch(() => {});
    }
  } finally {
    watcher.close();
  }
}

/** Whether the process that holds the lock still runs (a lock without a pid yet is being taken: alive). */
function holderAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
  } catch {
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
