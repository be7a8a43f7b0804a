import { InvalidArgumentError } from '@sluice/core';
import type { PushOverflowPolicy } from '../push-overflow-policy.js';

const POLICIES: readonly string[] = ['error', 'drop-oldest', 'drop-newest'];

/** @internal Checks a buffer bound: a non-negative safe integer. */
export function checkBound(where: string, name: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    throw new InvalidArgumentError(`${where}: ${name} must be a non-negative integer: got ${show(value)}`);
  }
  return value;
}

/** @internal Checks an overflow policy name. */
export function checkPolicy(where: string, value: PushOverflowPolicy): PushOverflowPolicy {
  if (!POLICIES.includes(value)) {
    throw new InvalidArgumentError(
      `${where}: overflow must be 'error', 'drop-oldest' or 'drop-newest': got ${show(value)}`,
    );
  }
  return value;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
