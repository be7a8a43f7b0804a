import { config } from 'rxjs';

/**
 * Reports an error that no subscriber can receive any more (a teardown that
 * failed after unsubscribe), the way RxJS itself does: to
 * `config.onUnhandledError` when set, otherwise thrown on a fresh task so that
 * it reaches the host's uncaught-exception handling instead of vanishing.
 *
 * @internal
 */
export function reportUnhandledError(error: unknown): void {
  const handler = config.onUnhandledError;
  if (handler !== null) {
    handler(error);
    return;
  }
  setTimeout(() => {
    throw error;
  });
}
