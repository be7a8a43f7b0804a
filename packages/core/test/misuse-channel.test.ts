/**
 * Misuse of @sluice/core's channel(): bad options (capacity, overflow, signal,
 * onReturn), aborted signals on the channel and on push(), pushing after the
 * end, ending twice, and a second consumer. Each mistake must give a coded
 * error where the caller waits (a synchronous throw from a sync function, a
 * rejection from an async one) and leave everything else working. The values
 * nobody means are in `support/misuse.ts`.
 */
import { channel, collect, isSluiceError, pipe } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abortedSignal,
  any,
  expectCoded,
  guardProcess,
  LIMIT,
  rejectionOf,
  thrownBy,
} from '../../../test-support/misuse.js';
import { stillPending, within } from '../../../test-support/waits.js';
import { codeForCount, NOT_COUNTS, NOT_FUNCTIONS, NOT_SIGNALS, notANonNegativeInteger } from './support/misuse.js';

guardProcess();

describe('channel()', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['a number', 16],
    ['a string', 'wait'],
  ])('throws ERR_INVALID_ARG when its options are %s', async (_, options) => {
    expectCoded(await thrownBy(() => channel(any(options))), 'ERR_INVALID_ARG');
  });

  it.each([...NOT_COUNTS, ['Infinity (unbounded)', Number.POSITIVE_INFINITY] as [string, unknown]])(
    'throws ERR_OUT_OF_RANGE (a number) or ERR_INVALID_ARG (not a number) for capacity %s',
    async (_, capacity) => {
      expectCoded(await thrownBy(() => channel({ capacity: any(capacity) })), codeForCount(capacity));
    },
  );

  it.each<[string, unknown]>([
    ['an unknown policy', 'explode'],
    ['a policy in capitals', 'WAIT'],
    ['a number', 1],
    ['null', null],
  ])('throws ERR_INVALID_ARG for overflow %s', async (_, overflow) => {
    expectCoded(await thrownBy(() => channel({ overflow: any(overflow) })), 'ERR_INVALID_ARG');
  });

  it.each(NOT_SIGNALS)('throws ERR_INVALID_ARG for a signal that is %s', async (_, signal) => {
    expectCoded(await thrownBy(() => channel({ signal: any(signal) })), 'ERR_INVALID_ARG');
  });

  it.each(NOT_FUNCTIONS.filter(([, value]) => value !== undefined))(
    'throws ERR_INVALID_ARG for an onReturn that is %s',
    async (_, onReturn) => {
      expectCoded(await thrownBy(() => channel({ onReturn: any(onReturn) })), 'ERR_INVALID_ARG');
    },
  );

  it('property: any capacity but a non-negative integer is refused with ERR_OUT_OF_RANGE or ERR_INVALID_ARG', () => {
    fc.assert(
      fc.property(notANonNegativeInteger, (capacity) => {
        let error: unknown;
        try {
          channel({ capacity: any(capacity) });
        } catch (e) {
          error = e;
        }
        return isSluiceError(error, codeForCount(capacity));
      }),
      { numRuns: 200 },
    );
  });

  it('with an already-aborted signal: push() and the consumer both get ABORT_ERR (the reason of its signal)', async () => {
    const ch = channel<number>({ signal: abortedSignal() });
    expectCoded(await rejectionOf(() => ch.push(1)), 'ABORT_ERR');
    expect(ch.offer(2)).toBe(false);
    expectCoded(await rejectionOf(() => ch[Symbol.asyncIterator]().next()), 'ABORT_ERR');
  });

  it('a signal aborted while the consumer waits rejects the waiting next() with ABORT_ERR', async () => {
    const controller = new AbortController();
    const ch = channel<number>({ signal: controller.signal });
    const waiting = ch[Symbol.asyncIterator]().next();
    expect(await stillPending(waiting)).toBe(true);
    controller.abort();
    expectCoded(await rejectionOf(() => waiting), 'ABORT_ERR');
  });

  it('push() with an already-aborted signal rejects with ABORT_ERR and enqueues nothing; the channel still works', async () => {
    const ch = channel<number>({ capacity: 4 });
    expectCoded(await rejectionOf(() => ch.push(1, { signal: abortedSignal() })), 'ABORT_ERR');
    expect(ch.size).toBe(0);
    await ch.push(2);
    ch.end();
    expect(await within(pipe(ch, collect()), LIMIT, 'collecting')).toEqual([2]);
  });

  it('push() aborted while waiting for room rejects with ABORT_ERR, its value is never delivered, the channel still works', async () => {
    const ch = channel<number>({ capacity: 1 });
    await ch.push(1);
    const controller = new AbortController();
    const waiting = ch.push(2, { signal: controller.signal });
    expect(await stillPending(waiting)).toBe(true);
    controller.abort();
    expectCoded(await rejectionOf(() => waiting), 'ABORT_ERR');
    const pushed = ch.push(3);
    const iterator = ch[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 1 });
    await within(pushed, LIMIT, 'the push after the aborted one');
    ch.end();
    expect(await iterator.next()).toEqual({ done: false, value: 3 });
    expect((await iterator.next()).done).toBe(true);
  });

  it.each(NOT_SIGNALS)(
    'push() with a signal that is %s rejects (never throws) with ERR_INVALID_ARG',
    async (_, signal) => {
      const ch = channel<number>({ capacity: 0 }); // full: the push would have to wait on the signal
      expectCoded(await rejectionOf(() => ch.push(1, { signal: any(signal) })), 'ERR_INVALID_ARG');
    },
  );

  it.each<[string, (ch: ReturnType<typeof channel<number>>) => unknown]>([
    ['end()', (ch) => ch.end()],
    ['error()', (ch) => ch.error(new Error('failed'))],
    ['the consumer leaving', (ch) => ch[Symbol.asyncIterator]().return?.()],
  ])('push() after %s rejects with ERR_CLOSED and offer() returns false', async (_, close) => {
    const ch = channel<number>();
    await close(ch);
    expectCoded(await rejectionOf(() => ch.push(1)), 'ERR_CLOSED');
    expect(ch.offer(2)).toBe(false);
  });

  it('end() twice, error() after end(), end() after error(): no throw, the first one wins', async () => {
    const ended = channel<number>();
    ended.end();
    expect(() => ended.end()).not.toThrow();
    expect(() => ended.error(new Error('late'))).not.toThrow();
    expect(await ended[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
    const failed = channel<number>();
    const boom = Object.assign(new Error('boom'), { code: 'ERR_TEST' });
    failed.error(boom);
    expect(() => failed.end()).not.toThrow();
    expect(await rejectionOf(() => failed[Symbol.asyncIterator]().next())).toBe(boom);
  });

  it('a second iteration throws ERR_ALREADY_CONSUMED and the first consumer still gets every value', async () => {
    const ch = channel<number>();
    const first = ch[Symbol.asyncIterator]();
    expectCoded(await thrownBy(() => ch[Symbol.asyncIterator]()), 'ERR_ALREADY_CONSUMED');
    await ch.push(1);
    ch.end();
    expect(await first.next()).toEqual({ done: false, value: 1 });
    expect((await first.next()).done).toBe(true);
  });

  it('for await after a finished for await throws ERR_ALREADY_CONSUMED (single consumer)', async () => {
    const ch = channel<number>();
    ch.end();
    for await (const _ of ch) expect.fail('no values');
    const again = async () => {
      for await (const _ of ch) expect.fail('no values');
    };
    expectCoded(await rejectionOf(again), 'ERR_ALREADY_CONSUMED');
  });
});
