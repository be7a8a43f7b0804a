/**
 * Runs a TypeScript program from the repository root in a child process
 * (`node --import tsx file`), the way a newcomer would, and lets a test wait
 * for its output or its exit. Everything waits on events; the child is
 * killed if it outlives `timeout`, so no test can hang.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: examples and README snippets run from here, so tsx finds tsconfig.json's paths. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Child {
  process: ChildProcess;
  /** Resolves when the child has exited, with everything it printed. */
  exited: Promise<Exit>;
  /** Resolves with the first match of `pattern` in stdout (or stderr), waiting for output as it comes; rejects if the child exits first. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  stdout(): string;
}

export interface RunOptions {
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Text written to stdin, which is then closed. Without it, stdin is closed at once. */
  input?: string;
  /** Milliseconds before the child is killed (SIGKILL). @default 60000 */
  timeout?: number;
}

/** Starts `node --import tsx <file>` in the repository root. */
export function runTs(file: string, options: RunOptions = {}): Child {
  return runNode(['--import', 'tsx', file, ...(options.args ?? [])], options);
}

/** Starts `node <args>` in the repository root. */
export function runNode(args: string[], options: RunOptions = {}): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    timeout: options.timeout ?? 60_000,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin.end(options.input ?? '');
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stream === 'stdout' ? stdout : stderr);
        if (match === null) return;
        child[stream].off('data', check);
        resolve(match);
      };
      child[stream].on('data', check);
      exited.then(
        (exit) =>
          reject(
            new Error(
              `${args.join(' ')} exited (${exit.code ?? exit.signal}) before printing ${pattern}:\n${exit.stdout}\n${exit.stderr}`,
            ),
          ),
        reject,
      );
      check();
    });
  return { process: child, exited, waitFor, stdout: () => stdout };
}

/** A readable summary of an exit, for assertion messages. */
export function describeExit(file: string, exit: Exit): string {
  return `${file} exited with ${exit.code ?? exit.signal}\n--- stdout\n${exit.stdout}\n--- stderr\n${exit.stderr}`;
}
