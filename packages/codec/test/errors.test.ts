import { DecodeError, EncodeError, FrameTooLongError, TruncatedFrameError } from '@sluice/codec';
import { isSluiceError, SluiceError } from '@sluice/core';
import { describe, expect, it } from 'vitest';

describe('codec errors', () => {
  it('carry a name, a stable code and actionable messages, and extend SluiceError', () => {
    const cause = new SyntaxError('bad');
    const cases = [
      [
        new FrameTooLongError(20000000, 16777216),
        'FrameTooLongError',
        'ERR_FRAME_TOO_LONG',
        'Frame too long: 20000000 bytes, limit 16777216',
      ],
      [
        new FrameTooLongError(70000, 65536, 'Line'),
        'FrameTooLongError',
        'ERR_FRAME_TOO_LONG',
        'Line too long: 70000 bytes, limit 65536',
      ],
      [
        new TruncatedFrameError(6),
        'TruncatedFrameError',
        'ERR_TRUNCATED_FRAME',
        'Input ended inside a frame: 6 bytes buffered',
      ],
      [new DecodeError('Invalid JSON', { cause }), 'DecodeError', 'ERR_DECODE', 'Invalid JSON'],
      [new EncodeError('Cannot encode'), 'EncodeError', 'ERR_ENCODE', 'Cannot encode'],
    ] as const;
    for (const [error, name, code, message] of cases) {
      expect(error).toBeInstanceOf(SluiceError);
      expect(isSluiceError(error, code)).toBe(true);
      expect(error).toMatchObject({ name, code, message });
    }
    expect(new FrameTooLongError(5, 4)).toMatchObject({ size: 5, limit: 4 });
    expect(new TruncatedFrameError(3).buffered).toBe(3);
    expect(new DecodeError('x', { cause }).cause).toBe(cause);
  });
});
