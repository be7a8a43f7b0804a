/**
 * How the example tests (`test/examples*.test.ts`) run a program of
 * examples/: from the repository root with SLUICE_EXAMPLE_ONCE=1, so that it
 * ends by itself, bounded by a timeout, and expected to exit with 0.
 */
import { expect } from 'vitest';
import { describeExit, runTs } from './child.js';

/** Generous: each example takes about a second, but CI machines are shared. */
export const TIMEOUT = 60_000;
/** The environment that makes an example end by itself once it has shown what it does. */
export const ONCE = { SLUICE_EXAMPLE_ONCE: '1' };

/** Runs `examples/<file>` to its end; fails the test unless it exits with 0. */
export async function runExample(file: string, env: Record<string, string> = {}) {
  const exit = await runTs(`examples/${file}`, { env: { ...ONCE, ...env }, timeout: TIMEOUT - 5000 }).exited;
  expect(exit.code, describeExit(file, exit)).toBe(0);
  return exit;
}
