/**
 * Misuse of @sluice/rx's toAsyncIterable(): what is not an Observable fails
 * with ERR_INVALID_ARG (at the call or the first next()), and bad options
 * (capacity, overflow) throw at once, ERR_OUT_OF_RANGE for a number out of
 * range, else ERR_INVALID_ARG.
 */
import { toAsyncIterable } from '@sluice/rx';
import { of } from 'rxjs';
import { describe, it } from 'vitest';
import { any, errorOfCallOrFirstNext, expectCoded, guardProcess, thrownBy } from '../../../test-support/misuse.js';
import { INVALID, OUT_OF_RANGE } from './support/misuse.js';

guardProcess();

describe('toAsyncIterable()', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a plain object', {}],
    ['an array', [1, 2]],
  ])('fails with ERR_INVALID_ARG (at the call, or the first next()) for %s', async (_, observable) => {
    expectCoded(await errorOfCallOrFirstNext(() => toAsyncIterable(any(observable))), 'ERR_INVALID_ARG');
  });

  it.each<[string, unknown, string]>([
    ['options null', null, INVALID],
    ['options a number', 16, INVALID],
    ['capacity -1', { capacity: -1 }, OUT_OF_RANGE],
    ['capacity NaN', { capacity: Number.NaN }, OUT_OF_RANGE],
    ['capacity 1.5', { capacity: 1.5 }, OUT_OF_RANGE],
    ['capacity Infinity (unbounded)', { capacity: Number.POSITIVE_INFINITY }, OUT_OF_RANGE],
    ["capacity '16' (a string)", { capacity: '16' }, INVALID],
    ['capacity an object without a prototype', { capacity: Object.create(null) }, INVALID],
    ["overflow 'wait' (a channel policy, not a push policy)", { overflow: 'wait' }, INVALID],
    ["overflow 'drop'", { overflow: 'drop' }, INVALID],
    ['overflow 5', { overflow: 5 }, INVALID],
  ])(
    'throws at once for %s (ERR_OUT_OF_RANGE for a number out of range, else ERR_INVALID_ARG)',
    async (_, options, code) => {
      expectCoded(await thrownBy(() => toAsyncIterable(of(1), any(options))), code);
    },
  );
});
