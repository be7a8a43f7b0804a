import { checkOption, InvalidArgumentError, OutOfRangeError } from '@sluice/core';
import type { ReconnectOptions } from './reconnect-options.js';

/** The backoff policy of {@link ReconnectOptions}: what a reconnecting client of another layer (an RxJS subject) takes. */
export type ReconnectPolicy = Pick<
  ReconnectOptions,
  'initialDelay' | 'maxDelay' | 'factor' | 'attempts' | 'resetAfter' | 'onRetry'
>;

/** The keys of {@link ReconnectPolicy}. */
export const RECONNECT_POLICY_KEYS: readonly string[] = Object.freeze([
  'initialDelay',
  'maxDelay',
  'factor',
  'attempts',
  'resetAfter',
  'onRetry',
]);

/**
 * Checks a reconnect policy's settings as `reconnecting()` does, throwing
 * `ERR_INVALID_ARG` or `ERR_OUT_OF_RANGE` with messages that start with
 * `prefix` and the setting's name. For a layer that takes the policy under
 * another name and must refuse bad settings when it is called, before
 * anything connects. Unknown keys are the caller's to check
 * ({@link RECONNECT_POLICY_KEYS}).
 *
 * @param prefix What messages start with: `'socket$(): reconnect.'` gives `socket$(): reconnect.factor must be …`.
 *
 * @example
 * ```ts
 * checkOptionKeys('socket$(): reconnect', reconnect, RECONNECT_POLICY_KEYS);
 * checkReconnectPolicy('socket$(): reconnect.', reconnect);
 * ```
 */
export function checkReconnectPolicy(prefix: string, policy: ReconnectPolicy): void {
  checkOption(`${prefix}initialDelay`, policy.initialDelay, 'timeout');
  checkOption(`${prefix}maxDelay`, policy.maxDelay, 'timeout');
  const factor: unknown = policy.factor;
  if (factor !== undefined) {
    const expected = `${prefix}factor must be a finite number of at least 1`;
    if (typeof factor !== 'number') throw new InvalidArgumentError(`${expected}, got ${typeof factor}`);
    if (!(factor >= 1 && Number.isFinite(factor))) throw new OutOfRangeError(`${expected}, got ${factor}`);
  }
  checkOption(`${prefix}attempts`, policy.attempts, { integer: [1, Number.POSITIVE_INFINITY] });
  checkOption(`${prefix}resetAfter`, policy.resetAfter, 'timeout');
  checkOption(`${prefix}onRetry`, policy.onRetry, 'function');
}
