import { batch, channel, collect, pipe } from '@sluice/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fcOptions, flush, orHung, stuckGenerator, TestSource, takeThenBreak } from './helpers.js';

describe('batch by size', () => {
  it('emits full batches and a last partial one', async () => {
    expect(await pipe([1, 2, 3, 4, 5], batch({ size: 2 }), collect())).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('emits nothing for an empty source', async () => {
    expect(await pipe([], batch({ size: 3 }), collect())).toEqual([]);
  });

  it('emits the partial batch, then the source’s error', async () => {
    const oops = new Error('oops');
    const seen: number[][] = [];
    const run = async () => {
      for await (const b of pipe(new TestSource([1, 2, 3], { failAt: 3, error: oops }), batch({ size: 2 })))
        seen.push(b);
    };
    await expect(run()).rejects.toBe(oops);
    expect(seen).toEqual([[1, 2], [3]]);
  });

  it('returns the source when the consumer breaks', async () => {
    const source = new TestSource([1, 2, 3, 4, 5], { hang: true });
    expect(await takeThenBreak(pipe(source, batch({ size: 2 })), 1)).toEqual([[1, 2]]);
    expect(source.returns).toBe(1);
  });

  it('refuses options that would make an unbounded batch or make no sense', () => {
    expect(() => batch({})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => batch({ size: '2' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    for (const options of [{ size: 0 }, { size: 1.5 }, { maxWait: -1 }, { maxWait: 2 ** 31 }]) {
      expect(() => batch(options)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    }
    expect(() => batch({ size: 0 })).toThrow('batch(): size must be an integer from 1 to Infinity, got 0');
  });

  it('property: concatenated batches give back the source, every batch but the last is full', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer()), fc.integer({ min: 1, max: 7 }), async (values, size) => {
        const batches = await pipe(values, batch({ size }), collect());
        expect(batches.flat()).toEqual(values);
        batches.forEach((b, i) => {
          if (i < batches.length - 1) expect(b).toHaveLength(size);
          else expect(b.length).toBeGreaterThan(0);
        });
      }),
      fcOptions,
    );
  });
});

describe('batch by time', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('emits a partial batch maxWait ms after its first value', async () => {
    const ch = channel<number>();
    const iterator = pipe(ch, batch({ size: 10, maxWait: 100 }))[Symbol.asyncIterator]();
    const first = iterator.next();
    await ch.push(1);
    await vi.advanceTimersByTimeAsync(60);
    await ch.push(2);
    await vi.advanceTimersByTimeAsync(39);
    let settled = false;
    void first.then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await first).toEqual({ done: false, value: [1, 2] });
    ch.end();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts no timer while no value is waiting', async () => {
    const ch = channel<number>();
    const iterator = pipe(ch, batch({ maxWait: 50 }))[Symbol.asyncIterator]();
    const pending = iterator.next();
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(0);
    await ch.push(7);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(await pending).toEqual({ done: false, value: [7] });
    expect(vi.getTimerCount()).toBe(0);
    await iterator.return?.();
  });

  it('keeps the outstanding read when the timer fires, so the next value is not lost', async () => {
    const ch = channel<number>();
    const iterator = pipe(ch, batch({ size: 3, maxWait: 10 }))[Symbol.asyncIterator]();
    const first = iterator.next();
    await ch.push(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(await first).toEqual({ done: false, value: [1] });
    // batch is still waiting on the channel: a value pushed now goes straight to it.
    await ch.push(2);
    expect(ch.size).toBe(0);
    await ch.push(3);
    ch.end();
    expect(await iterator.next()).toEqual({ done: false, value: [2, 3] });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears its timer when the consumer breaks mid-batch', async () => {
    const ch = channel<number>({ onReturn: vi.fn() });
    const iterator = pipe(ch, batch({ size: 2, maxWait: 100 }))[Symbol.asyncIterator]();
    const pending = iterator.next();
    await ch.push(1);
    await flush();
    expect(vi.getTimerCount()).toBe(1);
    await iterator.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(vi.getTimerCount()).toBe(0);
    expect(ch.writable).toBe(false);
  });

  it('does not wait for a source stuck in next() when the consumer breaks after a timed batch', async () => {
    const iterator = pipe(stuckGenerator([1]), batch({ size: 5, maxWait: 10 }))[Symbol.asyncIterator]();
    const first = iterator.next();
    await vi.advanceTimersByTimeAsync(10);
    expect(await first).toEqual({ done: false, value: [1] });
    expect(await orHung(iterator.return!())).toEqual({ done: true, value: undefined });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears its timer when the source fails mid-batch, after emitting the partial batch', async () => {
    const ch = channel<number>();
    const iterator = pipe(ch, batch({ size: 5, maxWait: 100 }))[Symbol.asyncIterator]();
    const first = iterator.next();
    await ch.push(1);
    const oops = new Error('oops');
    ch.error(oops);
    expect(await first).toEqual({ done: false, value: [1] });
    await expect(iterator.next()).rejects.toBe(oops);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('emits by size before the timer when values come fast', async () => {
    const out = pipe([1, 2, 3], batch({ size: 2, maxWait: 1000 }), collect());
    expect(await out).toEqual([[1, 2], [3]]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
