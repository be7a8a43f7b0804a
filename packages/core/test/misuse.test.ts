/**
 * Misuse of @sluice/core: wrong types, out-of-range numbers,
 * aborted signals and double use of every public function. Each mistake must
 * give a coded error where the caller waits (a synchronous throw from a sync
 * function, a rejection from an async one) and leave everything else working.
 */
import {
  batch,
  channel,
  collect,
  drain,
  filter,
  forEach,
  isSluiceError,
  map,
  merge,
  pipe,
  type Step,
  take,
  tap,
  throwIfAborted,
} from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abortedSignal,
  any,
  errorOfCallOrFirstNext,
  expectCoded,
  guardProcess,
  LIMIT,
  rejectionOf,
  thrownBy,
} from '../../../test-support/misuse.js';
import { stillPending, within } from '../../../test-support/waits.js';

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

/** Values that are not functions, for the callbacks of the steps and sinks. */
const NOT_FUNCTIONS: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 5],
  ['a string', 'x => x'],
  ['a plain object', {}],
];

/** Values that are not AbortSignals, for every `signal` option. */
const NOT_SIGNALS: [string, unknown][] = [
  ['a plain object', {}],
  ['a string', 'abort'],
  ['a number', 1],
  ['an AbortController (not its signal)', new AbortController()],
];

/** Non-counts: for options that take a non-negative (or positive) integer. */
const NOT_COUNTS: [string, unknown][] = [
  ['-1', -1],
  ['NaN', Number.NaN],
  ['1.5', 1.5],
  ["'4' (a string)", '4'],
  ['null', null],
  ['a plain object', {}],
  ['an object without a prototype', Object.create(null)],
];

/**
 * The code a refused count must carry: a number outside the range (negative,
 * a fraction, NaN, an infinity where none is allowed) is `ERR_OUT_OF_RANGE`
 * (an `OutOfRangeError`, a RangeError); anything that is not a number is
 * `ERR_INVALID_ARG` (docs/conventions.md).
 */
const codeForCount = (value: unknown): string => (typeof value === 'number' ? 'ERR_OUT_OF_RANGE' : 'ERR_INVALID_ARG');

/** fast-check values that are neither a non-negative safe integer nor Infinity. */
const notANonNegativeInteger = fc.oneof(
  fc.integer({ max: -1 }),
  fc.double({ noInteger: true }).filter((n) => n !== Number.POSITIVE_INFINITY),
  fc.string(),
  fc.constant(null),
  fc.boolean(),
  fc.object(),
  fc.array(fc.nat(), { maxLength: 2 }),
);

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

describe('pipe() and merge()', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a plain object', {}],
    ['a function returning a number', () => 5],
  ])('pipe(source) throws ERR_INVALID_ARG when the source is %s', async (_, source) => {
    expectCoded(await thrownBy(() => pipe(any(source))), 'ERR_INVALID_ARG');
  });

  it.each(NOT_FUNCTIONS)('pipe(source, step) throws ERR_INVALID_ARG when a step is %s', async (_, step) => {
    expectCoded(
      await thrownBy(() =>
        pipe(
          [1, 2],
          map((n: number) => n),
          any(step),
        ),
      ),
      'ERR_INVALID_ARG',
    );
  });

  it.each<[string, unknown[]]>([
    ['undefined', [undefined]],
    ['null', [null]],
    ['a number', [5]],
    ['a plain object', [{}]],
    ['an iterable and a number', [[1, 2], 5]],
  ])('merge(...sources) throws ERR_INVALID_ARG when a source is %s', async (_, sources) => {
    expectCoded(await thrownBy(() => merge(...any(sources))), 'ERR_INVALID_ARG');
  });

  it('a step that returns a non-iterable: pipe() or the first next() fails with ERR_INVALID_ARG', async () => {
    const bad: Step<number, number> = () => any(42);
    expectCoded(
      await errorOfCallOrFirstNext(() =>
        pipe(
          [1],
          bad,
          map((n: number) => n),
        ),
      ),
      'ERR_INVALID_ARG',
    );
  });
});

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
