import { CloseTimeoutError } from '../errors.js';
import type { Transport } from '../transport.js';

/**
 * Bounds a graceful close: after `timeout` ms, destroys `transport` if all it
 * was given has gone out, or else resets it (the peer sees the stream cut
 * off, not a clean end) and tells `cutOff` with a `CloseTimeoutError` that
 * says how much was unsent. `Infinity` waits as long as the peer takes.
 * Returns a function that cancels the timer.
 *
 * @internal
 */
export function startCloseTimer(
  transport: Transport<unknown>,
  timeout: number,
  cutOff: (error: CloseTimeoutError) => void,
): () => void {
  if (timeout === Number.POSITIVE_INFINITY) return () => {};
  const timer = setTimeout(() => {
    if (transport.writableFinished) return void transport.destroy();
    const error = new CloseTimeoutError(timeout, transport.unsentBytes);
    cutOff(error);
    transport.reset(error);
  }, timeout);
  (timer as { unref?: () => void }).unref?.();
  return () => clearTimeout(timer);
}
