import { reportCallbackError } from '@sluice/connection/transport';
import { isSluiceError } from '@sluice/core';
import { config } from 'rxjs';

/**
 * Reports an error that no subscriber can receive any more (a teardown that
 * failed after unsubscribe, an observer callback that threw), without ever
 * throwing it: to RxJS's `config.onUnhandledError` when set, otherwise with
 * `console.error` (`reportCallbackError`). `where` names what failed:
 * `'closeObserver.next'`.
 *
 * A graceful close cut off by `closeTimeout` (`ERR_CLOSE_TIMEOUT`: a peer that
 * stopped reading) is not reported at all: the connection records it
 * (`conn.error`, the `closeObserver`'s event, the `sluice:connection:close`
 * diagnostics message), and a peer must not be able to fill the log.
 *
 * @internal
 */
export function reportUnhandledError(where: string, error: unknown): void {
  if (isSluiceError(error) && error.code === 'ERR_CLOSE_TIMEOUT') return;
  const handler = config.onUnhandledError;
  if (handler === null) return reportCallbackError(where, error);
  try {
    handler(error);
  } catch (thrown) {
    reportCallbackError('RxJS config.onUnhandledError', thrown);
  }
}
