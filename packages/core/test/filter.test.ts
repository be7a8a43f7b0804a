import { collect, filter, pipe } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcOptions, settle, TestSource, takeThenBreak } from './helpers.js';

describe('filter', () => {
  it('keeps the values the predicate accepts, with their index', async () => {
    const indexes: number[] = [];
    const out = await pipe(
      [5, 6, 7, 8],
      filter((n: number, i) => {
        indexes.push(i);
        return n % 2 === 0;
      }),
      collect(),
    );
    expect(out).toEqual([6, 8]);
    expect(indexes).toEqual([0, 1, 2, 3]);
  });

  it('awaits an async predicate', async () => {
    expect(
      await pipe(
        [1, 2, 3],
        filter(async (n: number) => n !== 2),
        collect(),
      ),
    ).toEqual([1, 3]);
  });

  it('returns the source and rejects with the real error when the predicate fails', async () => {
    const source = new TestSource([1, 2, 3], { hang: true });
    const boom = new Error('predicate broke');
    const result = pipe(
      source,
      filter(async (n: number) => {
        if (n === 2) throw boom;
        return true;
      }),
      collect(),
    );
    await expect(result).rejects.toBe(boom);
    expect(source.returns).toBe(1);
  });

  it('returns the source when the consumer breaks', async () => {
    const source = new TestSource([1, 2, 3, 4], { hang: true });
    expect(
      await takeThenBreak(
        pipe(
          source,
          filter((n: number) => n > 1),
        ),
        1,
      ),
    ).toEqual([2]);
    expect(source.returns).toBe(1);
  });

  it('serves overlapping next() calls in order', async () => {
    const iterator = pipe(
      [1, 2, 3, 4, 5, 6],
      filter(async (n: number) => n % 2 === 0),
    )[Symbol.asyncIterator]();
    const results = await Promise.all([iterator.next(), iterator.next(), iterator.next(), iterator.next()]);
    expect(results).toEqual([
      { done: false, value: 2 },
      { done: false, value: 4 },
      { done: false, value: 6 },
      { done: true, value: undefined },
    ]);
  });

  it('property: keeps exactly the accepted values, in order, whatever the predicate timing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(fc.integer({ min: 0, max: 9 })), async (s, values) => {
        const keep = (n: number) => n % 3 !== 0;
        const source = new TestSource(values, { delay: (p) => s.schedule(p) });
        const predicate = (n: number) => (n % 2 === 0 ? s.schedule(Promise.resolve(keep(n))) : keep(n));
        const outcome = await settle(s, pipe(source, filter(predicate), collect()));
        expect(outcome).toEqual({ status: 'fulfilled', value: values.filter(keep) });
        expect(source.released).toBe(1);
      }),
      fcOptions,
    );
  });
});
