/**
 * Misuse of @sluice/core's steps and sinks (map, filter, tap, forEach, take,
 * batch, collect, drain): callbacks that are not functions, bad counts and
 * options, aborted signals, and sources that are not iterable. Each mistake
 * must give a coded error where the caller waits (a synchronous throw from a
 * sync function, a rejection from an async one) and leave everything else
 * working. The values nobody means are in `support/misuse.ts`.
 */
import { batch, collect, drain, filter, forEach, isSluiceError, map, pipe, take, tap } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { abortedSignal, any, expectCoded, guardProcess, rejectionOf, thrownBy } from '../../../test-support/misuse.js';
import { stillPending } from '../../../test-support/waits.js';
import { codeForCount, NOT_COUNTS, NOT_FUNCTIONS, NOT_SIGNALS, notANonNegativeInteger } from './support/misuse.js';

guardProcess();

/** A source whose `next()` never answers until `return()`; counts the calls it gets. */
class SilentSource implements AsyncIterable<number>, AsyncIterator<number> {
  nexts = 0;
  returns = 0;
  #waiting: ((result: IteratorResult<number>) => void)[] = [];

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<number>> {
    this.nexts++;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  return(): Promise<IteratorResult<number>> {
    this.returns++;
    for (const resolve of this.#waiting.splice(0)) resolve({ done: true, value: undefined });
    return Promise.resolve({ done: true, value: undefined });
  }
}

describe('the steps and sinks: map, filter, tap, forEach, take, batch', () => {
  const withFunction: [string, (fn: unknown) => unknown][] = [
    ['map', (fn) => map(any(fn))],
    ['filter', (fn) => filter(any(fn))],
    ['tap', (fn) => tap(any(fn))],
    ['forEach', (fn) => forEach(any(fn))],
  ];
  const table = withFunction.flatMap(([name, make]) =>
    NOT_FUNCTIONS.map(([what, value]) => [name, what, () => make(value)] as const),
  );

  it.each(table)('%s(fn) throws ERR_INVALID_ARG at once when fn is %s', async (_, __, make) => {
    expectCoded(await thrownBy(make), 'ERR_INVALID_ARG');
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a number', 4],
    ['a string', 'fast'],
  ])('map(fn, options) throws ERR_INVALID_ARG when options are %s', async (_, options) => {
    expectCoded(await thrownBy(() => map((n: number) => n, any(options))), 'ERR_INVALID_ARG');
  });

  it.each([...NOT_COUNTS, ['0', 0] as [string, unknown], ['Infinity', Number.POSITIVE_INFINITY] as [string, unknown]])(
    'map() throws ERR_OUT_OF_RANGE (a number) or ERR_INVALID_ARG (not a number) for concurrency %s',
    async (_, concurrency) => {
      expectCoded(
        await thrownBy(() => map((n: number) => n, { concurrency: any(concurrency) })),
        codeForCount(concurrency),
      );
    },
  );

  it.each(NOT_SIGNALS)('map() throws ERR_INVALID_ARG for a signal that is %s', async (_, signal) => {
    expectCoded(await thrownBy(() => map((n: number) => n, { signal: any(signal) })), 'ERR_INVALID_ARG');
  });

  it.each([1, 4])(
    'map() (concurrency %i) with an already-aborted signal: the first next() rejects with ABORT_ERR, fn never runs',
    async (concurrency) => {
      let calls = 0;
      const mapped = pipe(
        [1, 2, 3],
        map((n: number) => (calls++, n), { concurrency, signal: abortedSignal() }),
      );
      expectCoded(await rejectionOf(() => mapped[Symbol.asyncIterator]().next()), 'ABORT_ERR');
      expect(calls).toBe(0);
    },
  );

  it('map() aborted while it waits on a silent source: next() rejects with ABORT_ERR and the source is returned', async () => {
    const source = new SilentSource();
    const controller = new AbortController();
    const iterator = pipe(
      source,
      map((n: number) => n, { signal: controller.signal }),
    )[Symbol.asyncIterator]();
    const waiting = iterator.next();
    expect(await stillPending(waiting)).toBe(true);
    controller.abort();
    expectCoded(await rejectionOf(() => waiting), 'ABORT_ERR');
    expect(source.returns).toBe(1);
  });

  it.each([
    ...NOT_COUNTS,
    ['undefined (missing)', undefined] as [string, unknown],
    ['-Infinity', Number.NEGATIVE_INFINITY] as [string, unknown],
  ])('take(n) throws ERR_OUT_OF_RANGE (a number) or ERR_INVALID_ARG (not a number) for n = %s', async (_, n) => {
    expectCoded(await thrownBy(() => take(any(n))), codeForCount(n));
  });

  it('property: take(n) refuses anything but a non-negative integer or Infinity with ERR_OUT_OF_RANGE or ERR_INVALID_ARG', () => {
    fc.assert(
      fc.property(notANonNegativeInteger, (n) => {
        let error: unknown;
        try {
          take(any(n));
        } catch (e) {
          error = e;
        }
        return isSluiceError(error, codeForCount(n));
      }),
      { numRuns: 200 },
    );
  });

  it.each<[string, unknown, string]>([
    ['undefined (missing)', undefined, 'ERR_INVALID_ARG'],
    ['null', null, 'ERR_INVALID_ARG'],
    ['a number', 10, 'ERR_INVALID_ARG'],
    ['an empty object (neither size nor maxWait)', {}, 'ERR_INVALID_ARG'],
    ['size 0', { size: 0 }, 'ERR_OUT_OF_RANGE'],
    ['size -1', { size: -1 }, 'ERR_OUT_OF_RANGE'],
    ['size 1.5', { size: 1.5 }, 'ERR_OUT_OF_RANGE'],
    ['size NaN', { size: Number.NaN }, 'ERR_OUT_OF_RANGE'],
    ["size '2' (a string)", { size: '2' }, 'ERR_INVALID_ARG'],
    ['maxWait -1', { maxWait: -1 }, 'ERR_OUT_OF_RANGE'],
    ['maxWait NaN', { maxWait: Number.NaN }, 'ERR_OUT_OF_RANGE'],
    ["maxWait '10' (a string)", { maxWait: '10' }, 'ERR_INVALID_ARG'],
    ['maxWait null', { maxWait: null }, 'ERR_INVALID_ARG'],
  ])(
    'batch(options) throws for %s (ERR_OUT_OF_RANGE for a number out of range, else ERR_INVALID_ARG)',
    async (_, options, code) => {
      expectCoded(await thrownBy(() => batch(any(options))), code);
    },
  );

  it.each<[string, (source: unknown) => Promise<unknown>]>([
    ['collect()', (source) => collect()(any(source))],
    ['drain()', (source) => drain()(any(source))],
    ['forEach(fn)', (source) => forEach(() => {})(any(source))],
  ])('%s given a non-iterable rejects (never throws) with ERR_INVALID_ARG', async (_, sink) => {
    for (const source of [undefined, null, 5, {}]) {
      expectCoded(await rejectionOf(() => sink(source)), 'ERR_INVALID_ARG');
    }
  });
});
