import { describe, expect, it } from 'vitest';
import { AbortError, isSluiceError, SluiceError } from '@sluice/core';

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
