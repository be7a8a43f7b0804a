import { checkOption, checkOptionKeys, closestName } from '@sluice/core';
import { describe, expect, it } from 'vitest';

const KNOWN = ['maxFrameLength', 'delimiter', 'encoding', 'fatal', 'stripCR', 'allowUnterminated'];

/** The message `checkOptionKeys` throws for `options`, or `undefined` if it accepts them. */
function refusal(options: unknown, known: readonly string[] = KNOWN): string | undefined {
  try {
    checkOptionKeys('lines()', options, known);
    return undefined;
  } catch (error) {
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARG', name: 'InvalidArgumentError' });
    return (error as Error).message;
  }
}

describe('checkOptionKeys', () => {
  it('accepts known keys, no options, and keys inherited from a prototype', () => {
    expect(refusal({ maxFrameLength: 10, fatal: true })).toBeUndefined();
    expect(refusal(undefined)).toBeUndefined();
    expect(refusal({})).toBeUndefined();
    expect(refusal(Object.assign(Object.create({ inherited: 1 }), { fatal: true }))).toBeUndefined();
  });

  it('names the closest known key: a dropped word, a wrong case, swapped letters, a typo', () => {
    expect(refusal({ maxLength: 10 })).toBe('lines(): unknown option "maxLength" (did you mean "maxFrameLength"?)');
    expect(refusal({ maxframelength: 10 })).toContain('(did you mean "maxFrameLength"?)');
    expect(refusal({ delimeter: ',' })).toContain('(did you mean "delimiter"?)');
    expect(refusal({ fatla: true })).toContain('(did you mean "fatal"?)');
    expect(refusal({ stripCr: true })).toContain('(did you mean "stripCR"?)');
  });

  it('lists the known keys when none is close', () => {
    expect(refusal({ highWaterMark: 10 }, ['capacity', 'overflow', 'signal', 'onReturn'])).toBe(
      'lines(): unknown option "highWaterMark" (known options: "capacity", "overflow", "signal", "onReturn")',
    );
  });

  it('refuses a key even when its value is undefined (the caller still misspelt it)', () => {
    expect(refusal({ maxLength: undefined })).toContain('unknown option "maxLength"');
  });
});

describe('checkOption: the time range', () => {
  it('admits 0 to 2^31 - 1 ms and Infinity; refuses more with ERR_OUT_OF_RANGE', () => {
    for (const ms of [0, 1, 2 ** 31 - 1, Number.POSITIVE_INFINITY]) {
      expect(() => checkOption('serve(): shutdownTimeout', ms, 'timeout')).not.toThrow();
    }
    for (const ms of [2 ** 31, -1, 1.5, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(() => checkOption('serve(): shutdownTimeout', ms, 'timeout')).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
      );
    }
    expect(() => checkOption('serve(): shutdownTimeout', 2 ** 31, 'timeout')).toThrow(
      'serve(): shutdownTimeout must be whole milliseconds from 0 to 2147483647, or Infinity for no limit, got 2147483648',
    );
    expect(() => checkOption('serve(): shutdownTimeout', '5', 'timeout')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
  });
});

describe('checkOption: what the message says was given', () => {
  it.each([
    [new ArrayBuffer(1), 'an ArrayBuffer'],
    [new Set(), 'a Set'],
    [[], 'an array'],
    [{}, 'an object'],
  ])('names %o as %s', (value, kind) => {
    expect(() => checkOption('x()', value, 'bytes')).toThrow(`x() must be a Uint8Array, got ${kind}`);
  });
});

describe('closestName', () => {
  it('is the near name checkOptionKeys suggests, or undefined when none is near', () => {
    expect(closestName('lnes', ['lines', 'json', 'text'])).toBe('lines');
    expect(closestName('UDPP', ['udp', 'tcp'])).toBe('udp');
    expect(closestName('xyz', ['lines', 'json'])).toBeUndefined();
    expect(() => checkOptionKeys('f()', { lnes: 1 }, ['lines', 'json'])).toThrow(
      `(did you mean "${closestName('lnes', ['lines', 'json'])}"?)`,
    );
  });
});
