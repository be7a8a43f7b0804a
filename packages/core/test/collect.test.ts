import { collect, pipe } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { TestSource } from './helpers.js';

describe('collect', () => {
  it('resolves with every value in order', async () => {
    expect(await pipe(new TestSource(['a', 'b', 'c']), collect())).toEqual(['a', 'b', 'c']);
  });

  it('rejects with the source’s error', async () => {
    const oops = new Error('oops');
    await expect(pipe(new TestSource([1], { failAt: 1, error: oops }), collect())).rejects.toBe(oops);
  });
});
