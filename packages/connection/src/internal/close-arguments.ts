import { checkOption, InvalidArgumentError } from '@sluice/core';
import { kindOf } from './kind-of.js';

/** What a close tells the peer, where the transport can carry it (see `Transport.closeReason`). */
export interface CloseReason {
  readonly code: number;
  readonly reason: string;
}

/**
 * Checks the kinds of `close(code, reason)`'s arguments; their values are the
 * transport's to check (`Transport.closeReason`: a WebSocket's rules).
 *
 * @internal
 */
export function checkCloseArguments(code: unknown, reason: unknown): void {
  if (code !== undefined && !Number.isInteger(code)) {
    const got = typeof code === 'number' ? String(code) : kindOf(code);
    throw new InvalidArgumentError(`close(): code must be an integer, got ${got}`);
  }
  checkOption('close(): reason', reason, 'string');
}
