import { batch, collect, drain, filter, forEach, map, pipe, type Step, take, tap } from '@sluice/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { TestSource } from './helpers.js';

describe('pipe', () => {
  it('runs values through the steps left to right', async () => {
    const out = await pipe(
      [1, 2, 3, 4],
      map((n: number) => n + 1),
      filter((n) => n % 2 === 0),
      map((n) => `#${n}`),
      collect(),
    );
    expect(out).toEqual(['#2', '#4']);
  });

  it('returns an async iterable when the last step is not a sink', async () => {
    const stream = pipe(
      [1, 2],
      map((n: number) => n * 10),
    );
    expect(typeof stream[Symbol.asyncIterator]).toBe('function');
    const seen: number[] = [];
    for await (const n of stream) seen.push(n);
    expect(seen).toEqual([10, 20]);
  });

  it('returns the sink’s promise when the last step is a sink', async () => {
    const result = pipe([1, 2, 3], collect());
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toEqual([1, 2, 3]);
  });

  it('adapts a sync iterable once and keeps it re-iterable', async () => {
    const adapted = pipe(new Set(['a', 'b']));
    expect(await pipe(adapted, collect())).toEqual(['a', 'b']);
    expect(await pipe(adapted, collect())).toEqual(['a', 'b']);
  });

  it('passes an async iterable source through untouched', () => {
    const source = new TestSource([1]);
    expect(pipe(source)).toBe(source);
  });

  it('calls a function source once to get the iterable', async () => {
    let calls = 0;
    const out = pipe(() => {
      calls++;
      return [1, 2];
    }, collect());
    expect(calls).toBe(1);
    expect(await out).toEqual([1, 2]);
  });

  it('is only composition: the steps see exactly what the previous one returned', () => {
    const marker: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
    };
    const seen: unknown[] = [];
    const spy: Step<number, number> = (source) => {
      seen.push(source);
      return marker;
    };
    const result = pipe([1], spy, spy);
    expect(seen[1]).toBe(marker);
    expect(result).toBe(marker);
  });

  it('calls return() through every step down to the source when the consumer breaks', async () => {
    const source = new TestSource([1, 2, 3, 4, 5], { hang: true });
    const stream = pipe(
      source,
      map((n: number) => n * 2),
      filter(() => true),
      tap(() => {}),
      batch({ size: 1 }),
    );
    for await (const value of stream) {
      expect(value).toEqual([2]);
      break;
    }
    expect(source.returns).toBe(1);
    expect(source.pulls).toBe(1);
  });

  it('returns the source when a step in the middle throws, and rejects with that error', async () => {
    const source = new TestSource([1, 2, 3]);
    const boom = new Error('boom');
    const result = pipe(
      source,
      map((n: number) => n),
      tap((n) => {
        if (n === 2) throw boom;
      }),
      map((n) => n),
      collect(),
    );
    await expect(result).rejects.toBe(boom);
    expect(source.returns).toBe(1);
  });

  it('propagates a source failure to the sink without calling return()', async () => {
    const oops = new Error('source broke');
    const source = new TestSource([1, 2], { failAt: 1, error: oops });
    await expect(
      pipe(
        source,
        map((n: number) => n),
        drain(),
      ),
    ).rejects.toBe(oops);
    expect(source.returns).toBe(0);
    expect(source.ended).toBe(true);
  });

  it('supports ten typed steps', async () => {
    const inc = map((n: number) => n + 1);
    const out = await pipe([0], inc, inc, inc, inc, inc, inc, inc, inc, inc, collect());
    expect(out).toEqual([9]);
  });

  it('throws ERR_INVALID_ARG naming the position of a step that is not a function, before calling anything', () => {
    let called = false;
    const source = () => {
      called = true;
      return [1];
    };
    expect(() =>
      pipe(
        source,
        map((n: number) => n),
        5 as never,
      ),
    ).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG', message: 'pipe(): step 2 must be a function, got 5' }),
    );
    expect(called).toBe(false);
  });

  it('throws ERR_INVALID_ARG when a step before the last returns something not iterable', () => {
    const bad: Step<number, number> = () => 42 as never;
    expect(() => pipe([1], bad, collect())).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG', message: expect.stringContaining('what step 1 returned') }),
    );
  });

  it('map, filter, tap and forEach throw ERR_INVALID_ARG at once for a callback that is not a function', () => {
    const makers: ((fn: never) => unknown)[] = [map, filter, tap, forEach];
    for (const make of makers) {
      expect(() => make(undefined as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    }
    expect(() => map(null as never)).toThrow('map(): fn must be a function, got null');
  });

  it('sinks given something not iterable reject (never throw) with ERR_INVALID_ARG', async () => {
    for (const sink of [collect(), drain(), forEach(() => {})]) {
      await expect(sink(5 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    }
  });

  it('infers element types through steps and sinks', () => {
    expectTypeOf(
      pipe(
        [1, 2],
        map((n) => String(n)),
      ),
    ).toEqualTypeOf<AsyncIterable<string>>();
    expectTypeOf(
      pipe(
        [1, 2],
        map(async (n) => n > 1),
      ),
    ).toEqualTypeOf<AsyncIterable<boolean>>();
    expectTypeOf(pipe(['a'], take(1), batch({ size: 2 }), collect())).toEqualTypeOf<Promise<string[][]>>();
    expectTypeOf(
      pipe(
        [1, 'a'],
        filter((x): x is string => typeof x === 'string'),
      ),
    ).toEqualTypeOf<AsyncIterable<string>>();
    expectTypeOf(
      pipe(
        [1, 'a'],
        filter((x) => x !== 1),
      ),
    ).toEqualTypeOf<AsyncIterable<string | number>>();
    expectTypeOf(
      pipe(
        [1],
        forEach((n) => n.toFixed()),
      ),
    ).toEqualTypeOf<Promise<void>>();
    expectTypeOf(pipe([1], drain())).toEqualTypeOf<Promise<void>>();
    const numberStep = map((n: number) => n);
    // @ts-expect-error: a number step cannot follow a string source
    pipe(['a'], numberStep);
  });
});
