/**
 * Misuse of @sluice/core's pipe() and merge(): sources and steps that are not
 * iterables or functions, and a step that returns what is not iterable. Each
 * mistake must give a coded error where the caller waits (a synchronous throw
 * from a sync function, a rejection from an async one) and leave everything
 * else working. The values nobody means are in `support/misuse.ts`.
 */
import { map, merge, pipe, type Step } from '@sluice/core';
import { describe, it } from 'vitest';
import { any, errorOfCallOrFirstNext, expectCoded, guardProcess, thrownBy } from '../../../test-support/misuse.js';
import { NOT_FUNCTIONS } from './support/misuse.js';

guardProcess();

describe('pipe() and merge()', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a plain object', {}],
    ['a function returning a number', () => 5],
  ])('pipe(source) throws ERR_INVALID_ARG when the source is %s', async (_, source) => {
    expectCoded(await thrownBy(() => pipe(any(source))), 'ERR_INVALID_ARG');
  });

  it.each(NOT_FUNCTIONS)('pipe(source, step) throws ERR_INVALID_ARG when a step is %s', async (_, step) => {
    expectCoded(
      await thrownBy(() =>
        pipe(
          [1, 2],
          map((n: number) => n),
          any(step),
        ),
      ),
      'ERR_INVALID_ARG',
    );
  });

  it.each<[string, unknown[]]>([
    ['undefined', [undefined]],
    ['null', [null]],
    ['a number', [5]],
    ['a plain object', [{}]],
    ['an iterable and a number', [[1, 2], 5]],
  ])('merge(...sources) throws ERR_INVALID_ARG when a source is %s', async (_, sources) => {
    expectCoded(await thrownBy(() => merge(...any(sources))), 'ERR_INVALID_ARG');
  });

  it('a step that returns a non-iterable: pipe() or the first next() fails with ERR_INVALID_ARG', async () => {
    const bad: Step<number, number> = () => any(42);
    expectCoded(
      await errorOfCallOrFirstNext(() =>
        pipe(
          [1],
          bad,
          map((n: number) => n),
        ),
      ),
      'ERR_INVALID_ARG',
    );
  });
});
