import { drain, pipe, tap } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { TestSource } from './helpers.js';

describe('drain', () => {
  it('reads the source to its end so the steps run', async () => {
    const seen: number[] = [];
    const source = new TestSource([1, 2, 3]);
    await expect(
      pipe(
        source,
        tap((n: number) => seen.push(n)),
        drain(),
      ),
    ).resolves.toBeUndefined();
    expect(seen).toEqual([1, 2, 3]);
    expect(source.ended).toBe(true);
  });

  it('rejects with the first error of any step', async () => {
    const boom = new Error('boom');
    const source = new TestSource([1, 2, 3], { hang: true });
    const result = pipe(
      source,
      tap(() => {
        throw boom;
      }),
      drain(),
    );
    await expect(result).rejects.toBe(boom);
    expect(source.returns).toBe(1);
  });
});
