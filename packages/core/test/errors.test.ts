import { AbortError, AlreadyConsumedError, InvalidArgumentError, isSluiceError, SluiceError } from '@sluice/core';
import { describe, expect, it } from 'vitest';

describe('SluiceError', () => {
  it('carries a stable code that isSluiceError recognises', () => {
    const err = new SluiceError('ERR_X', 'x happened');
    expect(isSluiceError(err, 'ERR_X')).toBe(true);
    expect(isSluiceError(err, 'ERR_Y')).toBe(false);
    expect(isSluiceError(new Error('plain'))).toBe(false);
  });
  it('AbortError follows the platform convention', () => {
    const err = new AbortError('why');
    expect(err.name).toBe('AbortError');
    expect(err.code).toBe('ABORT_ERR');
    expect(err.cause).toBe('why');
  });
});

describe('argument and consumer errors', () => {
  it('InvalidArgumentError has a stable code and keeps its message', () => {
    const err = new InvalidArgumentError('take: n must be a non-negative integer: got -1');
    expect(err).toMatchObject({ name: 'InvalidArgumentError', code: 'ERR_INVALID_ARG' });
    expect(err.message).toBe('take: n must be a non-negative integer: got -1');
  });
  it('AlreadyConsumedError names what was consumed twice', () => {
    const err = new AlreadyConsumedError('channel');
    expect(err).toMatchObject({ name: 'AlreadyConsumedError', code: 'ERR_ALREADY_CONSUMED' });
    expect(err.message).toContain('channel');
  });
});

describe('two copies of Sluice in one program', () => {
  it('instanceof SluiceError and the code hold across copies; a subclass instanceof only within one', async () => {
    // A second instance of the module, as a duplicate install or a bundle beside node_modules gives.
    const secondCopy = '../src/errors.ts?second-copy';
    const other = (await import(secondCopy)) as typeof import('../src/errors.js');
    expect(other.AbortError).not.toBe(AbortError);
    const err = new other.AbortError('why');
    expect(err instanceof other.AbortError).toBe(true);
    expect(err instanceof AbortError, 'a subclass is its own copy').toBe(false);
    expect(err instanceof SluiceError).toBe(true);
    expect(isSluiceError(err, 'ABORT_ERR')).toBe(true);
    expect(new AbortError('why') instanceof other.SluiceError).toBe(true);
  });
});
