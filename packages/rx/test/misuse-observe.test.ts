/**
 * Misuse of @sluice/rx's observe(): sources that are not async iterables
 * fail with ERR_INVALID_ARG (at the call or as the error notification), a sync
 * array is emitted or refused but never a TypeError, and a single-consumer
 * source subscribed twice at once refuses the second with
 * ERR_ALREADY_CONSUMED. What a subscription saw is told by
 * `support/misuse.ts`.
 */
import { channel } from '@sluice/core';
import { observe } from '@sluice/rx';
import { describe, expect, it } from 'vitest';
import { any, expectCoded, guardProcess } from '../../../test-support/misuse.js';
import { errorOfCallOrSubscribe, outcome, type Seen } from './support/misuse.js';

guardProcess();

describe('observe()', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a plain object', {}],
    ['a promise', Promise.resolve(1)],
  ])('fails with ERR_INVALID_ARG (at the call or as the error notification) for %s', async (_, source) => {
    expectCoded(await errorOfCallOrSubscribe(() => observe(any(source))), 'ERR_INVALID_ARG');
  });

  it('observe(a sync array) emits its values or fails with ERR_INVALID_ARG, never with a TypeError', async () => {
    let seen: Seen;
    try {
      seen = await outcome(observe(any([1, 2])));
    } catch (error) {
      expectCoded(error, 'ERR_INVALID_ARG');
      return;
    }
    if (seen.state === 'error') expectCoded(seen.error, 'ERR_INVALID_ARG');
    else expect(seen).toEqual({ values: [1, 2], state: 'complete' });
  });

  it('a single-consumer source (a channel) subscribed twice at once: the second gets ERR_ALREADY_CONSUMED, the first gets every value', async () => {
    const ch = channel<number>();
    const observable = observe(ch);
    const first = outcome(observable);
    const second = await outcome(observable);
    expectCoded(second.error, 'ERR_ALREADY_CONSUMED');
    await ch.push(1);
    ch.end();
    expect(await first).toEqual({ values: [1], state: 'complete' });
  });
});
