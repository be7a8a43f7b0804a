import { collect, isSluiceError, map, pipe } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcOptions, flush, orHung, settle, stuckGenerator, TestSource, takeThenBreak } from './helpers.js';

describe('map', () => {
  it('transforms each value with its index, in order', async () => {
    expect(
      await pipe(
        ['a', 'b', 'c'],
        map((s: string, i) => `${i}${s}`),
        collect(),
      ),
    ).toEqual(['0a', '1b', '2c']);
  });

  it('awaits an async fn', async () => {
    expect(
      await pipe(
        [1, 2],
        map(async (n: number) => n * 3),
        collect(),
      ),
    ).toEqual([3, 6]);
  });

  it('pulls one value per next() when concurrency is 1', async () => {
    const source = new TestSource([1, 2, 3]);
    const iterator = pipe(
      source,
      map((n: number) => n),
    )[Symbol.asyncIterator]();
    expect(source.pulls).toBe(0);
    await iterator.next();
    expect(source.pulls).toBe(1);
  });

  it.each([1, 3])(
    'returns the source and rejects with the real error when fn fails (concurrency %i)',
    async (concurrency) => {
      const source = new TestSource([1, 2, 3, 4, 5, 6], { hang: true });
      const boom = new Error('bad value');
      const seen: number[] = [];
      const mapped = pipe(
        source,
        map(
          async (n: number) => {
            if (n === 2) throw boom;
            return n;
          },
          { concurrency },
        ),
      );
      await expect(
        (async () => {
          for await (const n of mapped) seen.push(n);
        })(),
      ).rejects.toBe(boom);
      expect(seen).toEqual([1]);
      expect(source.returns).toBe(1);
    },
  );

  it.each([1, 4])('returns the source when the consumer breaks (concurrency %i)', async (concurrency) => {
    const source = new TestSource([1, 2, 3, 4, 5, 6], { hang: true });
    expect(
      await takeThenBreak(
        pipe(
          source,
          map((n: number) => n, { concurrency }),
        ),
        2,
      ),
    ).toEqual([1, 2]);
    expect(source.returns).toBe(1);
  });

  it('does not wait for a source stuck in next() when the consumer breaks', async () => {
    // With concurrency 2 the second read is outstanding (and never answered) when we break.
    const stuck = pipe(
      stuckGenerator([1]),
      map((n: number) => n, { concurrency: 2 }),
      map((n) => n),
    );
    expect(await orHung(takeThenBreak(stuck, 1))).toEqual([1]);
  });

  it('rejects a pending next() with AbortError when its signal aborts, and returns the source', async () => {
    const source = new TestSource<number>([], { hang: true });
    const controller = new AbortController();
    const iterator = pipe(
      source,
      map((n: number) => n, { signal: controller.signal }),
    )[Symbol.asyncIterator]();
    const pending = iterator.next();
    controller.abort('stop');
    const err: unknown = await pending.catch((e: unknown) => e);
    expect(isSluiceError(err, 'ABORT_ERR')).toBe(true);
    expect((err as Error).cause).toBe('stop');
    expect(source.returns).toBe(1);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('rejects at once with AbortError when the signal was already aborted', async () => {
    const source = new TestSource([1]);
    const result = pipe(
      source,
      map((n: number) => n, { concurrency: 2, signal: AbortSignal.abort() }),
      collect(),
    );
    await expect(result).rejects.toMatchObject({ code: 'ABORT_ERR' });
    expect(source.returns).toBe(1);
  });

  it('starts N calls before the first one finishes', async () => {
    const started: number[] = [];
    const gates: Array<() => void> = [];
    const fn = (n: number) => {
      started.push(n);
      return new Promise<number>((resolve) => gates.push(() => resolve(n)));
    };
    const result = pipe([1, 2, 3, 4, 5], map(fn, { concurrency: 3 }), collect());
    await flush();
    expect(started).toEqual([1, 2, 3]);
    gates[1]?.();
    await flush();
    expect(started).toEqual([1, 2, 3]); // the window waits for the oldest value
    gates[0]?.();
    await flush();
    expect(started).toEqual([1, 2, 3, 4, 5]);
    for (const open of gates) open();
    expect(await result).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses a concurrency out of range (ERR_OUT_OF_RANGE) or not a number (ERR_INVALID_ARG)', () => {
    for (const concurrency of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => map((n: number) => n, { concurrency })).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
      );
    }
    expect(() => map((n: number) => n, { concurrency: '2' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
  });

  it('property: with concurrency N, output is in source order and at most N calls run at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.integer(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 6 }),
        async (s, values, n) => {
          let running = 0;
          let peak = 0;
          const fn = async (value: number, index: number) => {
            running++;
            peak = Math.max(peak, running);
            await s.schedule(Promise.resolve(), `fn(${index})`);
            running--;
            return value * 2 + index;
          };
          const source = new TestSource(values, { delay: (p) => s.schedule(p) });
          const outcome = await settle(s, pipe(source, map(fn, { concurrency: n }), collect()));
          expect(outcome).toEqual({ status: 'fulfilled', value: values.map((v, i) => v * 2 + i) });
          expect(peak).toBeLessThanOrEqual(n);
          expect(running).toBe(0);
          expect(source.released).toBe(1);
        },
      ),
      fcOptions,
    );
  });

  it('property: with concurrency N, output and error match a one-at-a-time map, and the source is released once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.record({ value: fc.integer(), fails: fc.boolean() }), { maxLength: 15 }),
        fc.integer({ min: 1, max: 5 }),
        async (s, items, n) => {
          const fn = async (item: { value: number; fails: boolean }, index: number) => {
            await s.schedule(Promise.resolve(), `fn(${index})`);
            if (item.fails) throw new Error(`failed at ${index}`);
            return item.value;
          };
          const firstFailure = items.findIndex((item) => item.fails);
          const source = new TestSource(items, { delay: (p) => s.schedule(p) });
          const seen: number[] = [];
          const run = (async () => {
            for await (const v of pipe(source, map(fn, { concurrency: n }))) seen.push(v);
          })();
          const outcome = await settle(s, run);
          const expectedCount = firstFailure === -1 ? items.length : firstFailure;
          expect(seen).toEqual(items.slice(0, expectedCount).map((item) => item.value));
          if (firstFailure === -1) expect(outcome.status).toBe('fulfilled');
          else expect(outcome).toEqual({ status: 'rejected', reason: new Error(`failed at ${firstFailure}`) });
          expect(source.released).toBe(1);
        },
      ),
      fcOptions,
    );
  });

  it('property: breaking out after k values yields the first k results and returns the source once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.integer(), { maxLength: 15 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(16),
        async (s, values, n, k) => {
          const fn = (value: number) => s.schedule(Promise.resolve(value));
          const source = new TestSource(values, { delay: (p) => s.schedule(p) });
          const outcome = await settle(s, takeThenBreak(pipe(source, map(fn, { concurrency: n })), k));
          expect(outcome).toEqual({ status: 'fulfilled', value: values.slice(0, k) });
          if (k > 0) expect(source.released).toBe(1);
        },
      ),
      fcOptions,
    );
  });
});
