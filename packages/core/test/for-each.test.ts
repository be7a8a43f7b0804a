import { forEach, pipe } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { TestSource } from './helpers.js';

describe('forEach', () => {
  it('handles one value at a time, awaiting an async handler', async () => {
    const log: string[] = [];
    await pipe(
      [1, 2],
      forEach(async (n: number, i) => {
        log.push(`start ${n}@${i}`);
        await Promise.resolve();
        log.push(`end ${n}`);
      }),
    );
    expect(log).toEqual(['start 1@0', 'end 1', 'start 2@1', 'end 2']);
  });

  it('returns the source and rejects with the handler’s error', async () => {
    const boom = new Error('handler broke');
    const source = new TestSource([1, 2, 3], { hang: true });
    const result = pipe(
      source,
      forEach(async () => {
        throw boom;
      }),
    );
    await expect(result).rejects.toBe(boom);
    expect(source.returns).toBe(1);
    expect(source.pulls).toBe(1);
  });
});
