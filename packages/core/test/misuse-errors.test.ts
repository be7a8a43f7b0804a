/**
 * Misuse of @sluice/core's error helpers: isSluiceError() given anything at
 * all, and throwIfAborted() with no signal, a live one and an aborted one.
 * Each mistake must give a coded error where the caller waits (a synchronous
 * throw from a sync function, a rejection from an async one) and leave
 * everything else working. The values nobody means are in `support/misuse.ts`.
 */
import { isSluiceError, throwIfAborted } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { any, expectCoded, guardProcess } from '../../../test-support/misuse.js';

guardProcess();

describe('errors', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a code string', 'ERR_CLOSED'],
    ['a plain object with a code', { code: 'ERR_CLOSED', message: 'not an error' }],
    ['an object without a prototype', Object.create(null)],
    ['an Error without a code', new Error('plain')],
    ['an Error with a numeric code', Object.assign(new Error('numeric'), { code: 5 })],
  ])('isSluiceError(%s) returns false and never throws', (_, value) => {
    expect(isSluiceError(value)).toBe(false);
    expect(isSluiceError(value, any(5))).toBe(false);
  });

  it('throwIfAborted() is a no-op without a signal and throws ABORT_ERR with the reason as cause once aborted', () => {
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
    const reason = new Error('why');
    let error: unknown;
    try {
      throwIfAborted(AbortSignal.abort(reason));
    } catch (e) {
      error = e;
    }
    expectCoded(error, 'ABORT_ERR');
    expect((error as Error).cause).toBe(reason);
  });
});
