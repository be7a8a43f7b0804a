import { channel, collect, merge, pipe } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { fcOptions, flush, settle, TestSource, takeThenBreak } from './helpers.js';

describe('merge', () => {
  it('yields values in the order they arrive across sources', async () => {
    const a = channel<string>();
    const b = channel<string>();
    const iterator = merge(a, b)[Symbol.asyncIterator]();
    await b.push('b1');
    expect(await iterator.next()).toEqual({ done: false, value: 'b1' });
    await a.push('a1');
    await b.push('b2');
    await a.push('a2');
    await flush();
    const next3 = [await iterator.next(), await iterator.next(), await iterator.next()].map((r) => r.value);
    expect(next3).toEqual(['a1', 'b2', 'a2']);
    a.end();
    b.end();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('ends when every source has ended, accepting sync and async sources', async () => {
    const out = await pipe(merge([1, 2], new TestSource(['x']), []), collect());
    expect(out.sort()).toEqual([1, 2, 'x']);
  });

  it('ends at once with no sources', async () => {
    expect(await pipe(merge(), collect())).toEqual([]);
  });

  it('returns every other source and rejects with the real error when one fails', async () => {
    const oops = new Error('source b broke');
    const a = new TestSource([1, 2, 3], { hang: true });
    const b = new TestSource([10], { failAt: 1, error: oops });
    const c = new TestSource<number>([], { hang: true });
    await expect(pipe(merge(a, b, c), collect())).rejects.toBe(oops);
    expect(a.returns).toBe(1);
    expect(c.returns).toBe(1);
    expect(b.returns).toBe(0);
  });

  it('delivers values that had already arrived before the error', async () => {
    const oops = new Error('late failure');
    const a = channel<number>();
    const b = channel<number>();
    const iterator = merge(a, b)[Symbol.asyncIterator]();
    await a.push(1);
    await flush();
    b.error(oops);
    await flush();
    expect(await iterator.next()).toEqual({ done: false, value: 1 });
    await expect(iterator.next()).rejects.toBe(oops);
    expect(a.writable).toBe(false);
  });

  it('returns every source when the consumer breaks, without waiting for stuck ones', async () => {
    const a = new TestSource([1, 2, 3], { hang: true });
    const b = new TestSource<number>([], { hang: true });
    expect(await takeThenBreak(merge(a, b), 2)).toEqual([1, 2]);
    expect(a.returns).toBe(1);
    expect(b.returns).toBe(1);
  });

  it('types the merged values as the union of the sources’ values', () => {
    expectTypeOf(merge([1], channel<string>())).toEqualTypeOf<AsyncIterable<number | string>>();
  });

  it('property: every value of every source comes out exactly once, each source in its own order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.array(fc.nat(99), { maxLength: 8 }), { maxLength: 4 }),
        async (s, lists) => {
          const sources = lists.map(
            (list, i) =>
              new TestSource(
                list.map((v) => ({ source: i, v })),
                { delay: (p) => s.schedule(p, `source ${i}`) },
              ),
          );
          const outcome = await settle(s, pipe(merge(...sources), collect()));
          if (outcome.status !== 'fulfilled') throw outcome.reason;
          lists.forEach((list, i) => {
            expect(outcome.value.filter((item) => item.source === i).map((item) => item.v)).toEqual(list);
          });
          expect(outcome.value).toHaveLength(lists.flat().length);
          for (const source of sources) expect(source.released).toBe(1);
        },
      ),
      fcOptions,
    );
  });
});
