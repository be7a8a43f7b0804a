import { AbortError } from '@sluice/core';

/**
 * A server that binds as Node's `net.Server` and `http.Server` do: `listen()`
 * starts binding, then `'listening'` (bound) or `'error'` (it could not be).
 */
export interface BindableServer {
  /** Calls `listener` once the server is bound. */
  once(event: 'listening', listener: () => void): unknown;
  /** Calls `listener` with the error if the server cannot bind (or fails later). */
  once(event: 'error', listener: (error: Error) => void): unknown;
  /** Removes a `'listening'` listener. */
  off(event: 'listening', listener: () => void): unknown;
  /** Removes an `'error'` listener. */
  off(event: 'error', listener: (error: Error) => void): unknown;
  /** Stops accepting; called when the signal aborts while binding. */
  close(): unknown;
}

/**
 * Binds `server` (`listen` starts it) and resolves once it is listening.
 * Rejects with the server's error (`EADDRINUSE`, …), or, if `signal` aborts
 * first, closes the server and rejects with an `AbortError`. An error the
 * server reports after an abort finds a listener, so never ends the process.
 *
 * @example
 * ```ts
 * const server = net.createServer();
 * await startListening(server, () => server.listen({ host: '127.0.0.1', port: 0 }), options.signal);
 * ```
 */
export function startListening(server: BindableServer, listen: () => void, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      server.off('listening', onListening);
      server.close();
      reject(new AbortError(signal?.reason));
    };
    const onError = (error: Error) => {
      signal?.removeEventListener('abort', onAbort);
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      signal?.removeEventListener('abort', onAbort);
      server.off('error', onError);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    server.once('error', onError);
    server.once('listening', onListening);
    listen();
  });
}
