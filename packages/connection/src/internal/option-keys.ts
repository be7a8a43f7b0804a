/**
 * The keys of the options objects this package defines, for
 * `checkOptionKeys`, and the one check of `{ signal }` options on the paths
 * that run per write or read. Not exported from the package.
 */
import { checkOption, checkOptionKeys } from '@sluice/core';
import type { ReadOptions } from '../read-options.js';

/** The keys of `AbortOptions`. */
export const ABORT_OPTION_KEYS: readonly string[] = ['signal'];

/** The keys of `ReadOptions`. */
export const READ_OPTION_KEYS: readonly string[] = ['signal', 'keepOpen', 'frameTimeout'];

/**
 * Whether `{ signal }` options of a write or read hold another key of their
 * own: cheap enough for every call (most pass none, or only `signal`).
 */
export function hasUnknownKeys(options: unknown): boolean {
  if (typeof options !== 'object' || options === null) return false;
  for (const key in options) if (key !== 'signal' && Object.hasOwn(options, key)) return true;
  return false;
}

/** Rejects `{ signal }` options that {@link hasUnknownKeys}, naming the closest known key. */
export function rejectUnknownKeys(label: string, options: unknown): Promise<never> {
  return new Promise(() => checkOptionKeys(label, options, ABORT_OPTION_KEYS));
}

/** A time option as the timers take it: `Infinity`, no limit, becomes `0`, their "none". */
export function noLimitAsZero(ms: number): number {
  return ms === Number.POSITIVE_INFINITY ? 0 : ms;
}

/** Checks the `ReadOptions` given to `method` (`'framed()'`, `'reader()'`). */
export function checkReadOptions(method: string, options: ReadOptions | undefined): void {
  checkOption(`${method}: options`, options, 'object');
  checkOptionKeys(method, options, READ_OPTION_KEYS);
  checkOption(`${method}: keepOpen`, options?.keepOpen, 'boolean');
  checkOption(`${method}: signal`, options?.signal, 'signal');
  checkOption(`${method}: frameTimeout`, options?.frameTimeout, 'timeout');
}
