import { collect, pipe, tap } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { TestSource, takeThenBreak } from './helpers.js';

describe('tap', () => {
  it('sees each value and index and passes values on unchanged', async () => {
    const seen: Array<[string, number]> = [];
    const out = await pipe(
      ['a', 'b'],
      tap((s: string, i) => seen.push([s, i])),
      collect(),
    );
    expect(out).toEqual(['a', 'b']);
    expect(seen).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
  });

  it('waits for an async side effect before passing the value on', async () => {
    const log: string[] = [];
    const out = pipe(
      [1, 2],
      tap(async (n: number) => {
        await Promise.resolve();
        log.push(`effect ${n}`);
      }),
      tap((n) => log.push(`after ${n}`)),
      collect(),
    );
    await out;
    expect(log).toEqual(['effect 1', 'after 1', 'effect 2', 'after 2']);
  });

  it('returns the source and rejects with the real error when the side effect fails', async () => {
    const source = new TestSource([1, 2, 3], { hang: true });
    const boom = new Error('effect broke');
    const result = pipe(
      source,
      tap(async (n: number) => {
        if (n === 2) throw boom;
      }),
      collect(),
    );
    await expect(result).rejects.toBe(boom);
    expect(source.returns).toBe(1);
  });

  it('returns the source when the consumer breaks', async () => {
    const source = new TestSource([1, 2, 3], { hang: true });
    expect(
      await takeThenBreak(
        pipe(
          source,
          tap(() => {}),
        ),
        2,
      ),
    ).toEqual([1, 2]);
    expect(source.returns).toBe(1);
  });
});
