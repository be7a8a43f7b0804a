/**
 * What the misuse suites of @sluice/rx (`test/misuse-*.test.ts`) share: what
 * a subscription saw and the error of a call returning an Observable (thrown,
 * or its error notification), the codes a refused option carries, values that
 * are not codecs, and the loopback host. The helpers of every package's misuse
 * suites are in `test-support/misuse.ts` and `test-support/misuse-sockets.ts`.
 */
import { lines } from '@sluice/codec';
import type { Observable, Subscription } from 'rxjs';
import { expect } from 'vitest';
import { LIMIT, show } from '../../../../test-support/misuse.js';

/** Loopback: every socket here binds and connects on it. */
export const HOST = '127.0.0.1';

/** What a subscription saw: its values, and how it ended if it did. */
export interface Seen {
  values: unknown[];
  state: 'error' | 'complete' | 'running';
  error?: unknown;
}

/** What a subscription saw within the time limit: its values and how it ended, if it did. Unsubscribes afterwards. */
export async function outcome(observable: Observable<unknown>): Promise<Seen> {
  const values: unknown[] = [];
  let subscription: Subscription | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const seen = new Promise<Seen>((resolve) => {
    timer = setTimeout(() => resolve({ values, state: 'running' }), LIMIT);
    subscription = observable.subscribe({
      next: (value) => values.push(value),
      error: (error: unknown) => resolve({ values, state: 'error', error }),
      complete: () => resolve({ values, state: 'complete' }),
    });
  });
  try {
    return await seen;
  } finally {
    clearTimeout(timer);
    subscription?.unsubscribe();
  }
}

/**
 * The error of a call returning an Observable: thrown by the call, or else
 * the error notification of a subscription. Fails if there is none.
 */
export async function errorOfCallOrSubscribe(make: () => Observable<unknown>): Promise<unknown> {
  let observable: Observable<unknown>;
  try {
    observable = make();
  } catch (error) {
    return error;
  }
  const seen = await outcome(observable);
  if (seen.state === 'error') return seen.error;
  return expect.fail(
    seen.state === 'complete'
      ? `no error: the subscription completed with ${show(seen.values)}`
      : `no error: the subscription was still running after ${LIMIT} ms`,
  );
}

/**
 * The code a refused option must carry: `ERR_OUT_OF_RANGE` (an
 * `OutOfRangeError`, a RangeError) for a number out of its range,
 * `ERR_INVALID_ARG` for a value of the wrong kind (docs/conventions.md).
 */
export const OUT_OF_RANGE = 'ERR_OUT_OF_RANGE';
/** The code a value of the wrong kind carries (see OUT_OF_RANGE). */
export const INVALID = 'ERR_INVALID_ARG';

/** Values that are not a codec, for every `codec` argument or option. */
export const NOT_CODECS: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 5],
  ['a plain object', {}],
  ['the lines function itself (not lines())', lines],
];
