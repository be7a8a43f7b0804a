#!/usr/bin/env node
/**
 * The `sluice` command: netcat for framed protocols.
 *
 *   sluice listen --host 127.0.0.1 --port 9000 --codec lines --echo
 *   sluice connect 127.0.0.1:9000 --codec lines
 *
 * Run `sluice --help` or `sluice <command> --help` for details.
 */
import { runCli } from './internal/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
