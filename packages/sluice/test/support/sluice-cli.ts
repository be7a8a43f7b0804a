/**
 * Runs the real `sluice` command (packages/sluice/src/cli.ts through tsx) in
 * a child process from the repository root, the way a user runs it, with
 * more control than child.ts gives: stdin may stay open, stdout may go
 * unread. Everything waits on events; the child is killed (SIGKILL) if it
 * outlives `timeout`, so no test can hang.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { describeExit, type Exit, ROOT } from './child.js';

export const CLI = 'packages/sluice/src/cli.ts';

export interface CliOptions {
  /** Written to stdin (a string as UTF-8, bytes as they are), which is then closed. @default '' */
  input?: string | Uint8Array;
  /** Leave stdin open: the test writes to it, or ends it. */
  keepStdinOpen?: boolean;
  /** Leave stdout unread, as a reader that does not keep up would. */
  pauseStdout?: boolean;
  /** Extra arguments for node, before the CLI's path. */
  nodeArgs?: string[];
  /** Milliseconds before the child is killed. @default 20000 */
  timeout?: number;
}

export interface CliRun {
  process: ChildProcessWithoutNullStreams;
  /** Resolves once the child has exited, with what it printed. */
  exited: Promise<Exit>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in the stream, as output arrives; rejects if the child exits first. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
}

/** Starts `node --import tsx packages/sluice/src/cli.ts …args`. */
export function sluice(args: string[], options: CliOptions = {}): CliRun {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    timeout: options.timeout ?? 20_000,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const text = { stdout: '', stderr: '' };
  if (!options.pauseStdout) child.stdout.setEncoding('utf8').on('data', (t: string) => (text.stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (text.stderr += t));
  child.stdin.on('error', () => {}); // the CLI may exit before reading all of its input
  if (!options.keepStdinOpen) child.stdin.end(options.input ?? '');
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout: text.stdout, stderr: text.stderr }));
  });
  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stderr') =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(text[stream]);
        if (match === null) return;
        child[stream].off('data', check);
        resolve(match);
      };
      child[stream].on('data', check);
      exited.then((exit) => reject(new Error(`exited before printing ${pattern}\n${describeExit('sluice', exit)}`)));
      check();
    });
  return { process: child, exited, stdout: () => text.stdout, stderr: () => text.stderr, waitFor };
}

/** Starts `sluice listen --port 0 …args` and resolves once it says where it listens. */
export async function sluiceListen(args: string[], options: CliOptions = {}): Promise<{ run: CliRun; port: number }> {
  const run = sluice(['listen', '--port', '0', ...args], options);
  const [, port] = await run.waitFor(/listening on (?:127\.0\.0\.1|\[::1\]):(\d+)/);
  return { run, port: Number(port) };
}

/** Starts `sluice listen --ws --port 0 …args`; resolves once it prints its URL. */
export async function listenWs(args: string[], options: CliOptions = {}): Promise<{ run: CliRun; url: string }> {
  const run = sluice(['listen', '--ws', '--port', '0', ...args], options);
  const [, url] = await run.waitFor(/^sluice: listening on (wss?:\/\/\S+)/m);
  return { run, url: url as string };
}

/** Asserts the exit code, and that no stack trace reached the user. */
export function expectExit(exit: Exit, code: number): void {
  expect(exit.code, describeExit('sluice', exit)).toBe(code);
  expect(exit.stderr, 'a stack trace on stderr').not.toMatch(/^\s+at |Node\.js v\d|^\w*Error\b/m);
}

/** Bytes the process has read with read(2) and friends (Linux), or undefined where /proc cannot say. */
export function bytesRead(pid: number | undefined): number | undefined {
  try {
    const match = /^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A field of /proc/<pid>/status in bytes (VmRSS now, VmHWM the peak so far; Linux), or undefined where /proc cannot say. */
export function memoryOf(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The most the kernel may hold between two loopback sockets (the largest TCP
 * receive and send buffers), plus 8 MiB for the CLI's own bounded buffers:
 * a sender that gets further than this is not being held back.
 */
export function heldBackBound(): number {
  const largest = (file: string, fallback: number) => {
    try {
      return Number(readFileSync(file, 'utf8').trim().split(/\s+/)[2]) || fallback;
    } catch {
      return fallback;
    }
  };
  return largest('/proc/sys/net/ipv4/tcp_rmem', 6 << 20) + largest('/proc/sys/net/ipv4/tcp_wmem', 4 << 20) + (8 << 20);
}
