#!/usr/bin/env node
/**
 * The `sluice` command: netcat for framed protocols.
 *
 *   sluice listen --host 127.0.0.1 --port 9000 --codec lines --echo
 *   sluice connect 127.0.0.1:9000 --codec lines
 *
 * Run `sluice --help` or `sluice <command> --help` for details.
 */
import { readFileSync, writeSync } from 'node:fs';
import { describe } from './internal/describe-error.js';
import { runCli } from './internal/run-cli.js';

/** Last line of defence: whatever escapes is told in one line, never as a stack trace. */
function fail(error: unknown): never {
  try {
    writeSync(2, `sluice: ${describe(error)}\n`);
  } catch {
    // stderr is gone too: nothing left to tell
  }
  process.exit(1);
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
// A reader that went away (`| head`) is the commands' business (they stop quietly), never a crash.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

/** The version in this package's package.json (one level up from src/ and from dist/). */
function packageVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string })
      .version;
  } catch {
    return undefined;
  }
}

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  version: packageVersion(),
});
// Let stdout and stderr take what was written, then exit even if stdin is still open.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
