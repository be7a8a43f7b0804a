import { collect, pipe, take } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { TestSource, takeThenBreak } from './helpers.js';

describe('take', () => {
  it('yields the first n values then returns the source', async () => {
    const source = new TestSource([1, 2, 3, 4, 5], { hang: true });
    expect(await pipe(source, take(3), collect())).toEqual([1, 2, 3]);
    expect(source.pulls).toBe(3);
    expect(source.returns).toBe(1);
  });

  it('take(0) never pulls, and releases the source when asked for a value', async () => {
    const source = new TestSource([1, 2]);
    expect(await pipe(source, take(0), collect())).toEqual([]);
    expect(source.pulls).toBe(0);
    expect(source.returns).toBe(1);
  });

  it('finishes with the source when it has fewer than n values, without returning it', async () => {
    const source = new TestSource([1, 2]);
    expect(await pipe(source, take(5), collect())).toEqual([1, 2]);
    expect(source.returns).toBe(0);
    expect(source.ended).toBe(true);
  });

  it('returns the source when the consumer breaks before n', async () => {
    const source = new TestSource([1, 2, 3, 4], { hang: true });
    expect(await takeThenBreak(pipe(source, take(3)), 1)).toEqual([1]);
    expect(source.returns).toBe(1);
  });

  it('passes a source failure through', async () => {
    const oops = new Error('oops');
    const source = new TestSource([1, 2, 3], { failAt: 1, error: oops });
    await expect(pipe(source, take(3), collect())).rejects.toBe(oops);
    expect(source.returns).toBe(0);
  });

  it('refuses a negative or fractional n (ERR_OUT_OF_RANGE) and a non-number (ERR_INVALID_ARG)', () => {
    expect(() => take(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => take(1.5)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => take('3' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
  });
});
