import { checkOption } from '@sluice/core';
import type { PushOverflowPolicy } from '../push-overflow-policy.js';

/** @internal A buffer's bound: an integer of at least 0. */
export const BOUND = { integer: [0] } as const;

/** @internal The overflow policies of a buffer fed by an Observable (no `'wait'`). */
export const PUSH_POLICIES: { readonly oneOf: readonly PushOverflowPolicy[] } = {
  oneOf: ['error', 'drop-oldest', 'drop-newest'],
};

/**
 * @internal Checks what an Observable parameter needs to be used: an object
 * with a `subscribe` method. `label` names it: `'toAsyncIterable(): observable'`.
 */
export function checkObservable(label: string, value: unknown): void {
  checkOption(label, value, 'object', { required: true });
  checkOption(`${label}.subscribe`, (value as { subscribe?: unknown }).subscribe, 'function', { required: true });
}

/**
 * @internal Checks the options of a socket subject (`codec`, `capacity`,
 * `overflow`, the observers) once, when `socket$()` or `listen$()` is called;
 * `where` names the function: `'socket$()'`.
 */
export function checkSubjectConfig(
  where: string,
  config: {
    codec?: unknown;
    capacity?: unknown;
    overflow?: unknown;
    openObserver?: unknown;
    closeObserver?: unknown;
  },
): void {
  checkOption(`${where}: codec`, config.codec, 'codec', { required: true });
  checkOption(`${where}: capacity`, config.capacity, BOUND);
  checkOption(`${where}: overflow`, config.overflow, PUSH_POLICIES);
  checkObserver(`${where}: openObserver`, config.openObserver);
  checkObserver(`${where}: closeObserver`, config.closeObserver);
}

/** An optional partial Observer of which only `next` is used. */
function checkObserver(label: string, observer: unknown): void {
  checkOption(label, observer, 'object');
  checkOption(`${label}.next`, (observer as { next?: unknown } | undefined)?.next, 'function');
}
