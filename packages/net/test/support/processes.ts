/**
 * Child processes for tests that need a peer Sluice did not write (`openssl`)
 * or a process of their own (load with a raised file limit, the soak script,
 * a cluster): spawning from the repository root, running TypeScript through
 * tsx, and waiting on output with a bound.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where tsx finds tsconfig.json and its path mappings. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A spawned process with its output collected. */
export interface Child {
  readonly process: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout match of `pattern`; fails after `limitMs` or if the process exits first. */
  waitFor(pattern: RegExp, limitMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Spawns `command` from the repository root; `env` is added to the current environment. */
export function start(command: string, args: readonly string[], env: Record<string, string> = {}): Child {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.once('close', (code, signal) => {
      for (const listener of listeners) listener();
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => resolve(error.message));
  });
  let done = false;
  void exited.then(() => (done = true));
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, limitMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${pattern} on stdout within ${limitMs} ms`)), limitMs);
        const check = () => {
          const match = out.match(pattern);
          if (match !== null) return finish(undefined, match);
          if (done) finish(new Error(`exited before printing ${pattern}; stderr: ${err.slice(-2000)}`));
        };
        const finish = (error?: Error, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error !== undefined) reject(error);
          else resolve(match!);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs a TypeScript file with `node --import tsx` from the repository root. */
export function startTs(file: string, args: readonly string[] = [], env: Record<string, string> = {}): Child {
  return start(process.execPath, ['--import', 'tsx', file, ...args], env);
}

/** True if `command` can be run (for tests that need `openssl`). */
export function available(command: string): boolean {
  return spawnSync(command, ['version'], { stdio: 'ignore' }).status === 0;
}

/** The soft limit on open files for processes started from here (`ulimit -n`). */
export function openFileLimit(): number {
  const result = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const value = result.stdout.trim();
  return value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value);
}
