import type { AbortOptions } from '@sluice/core';
import { checkOption, checkOptionKeys } from '@sluice/core';
import { callContained } from './call-contained.js';
import type { Connection } from './connection.js';
import { reportCallbackError } from './report-callback-error.js';

/** Handles one connection. The connection is closed when the returned promise settles. */
export type ConnectionHandler<C extends Connection = Connection> = (conn: C, context: HandlerContext) => unknown;

/** What a handler is told besides its connection. */
export interface HandlerContext {
  /** Aborted when the server starts shutting down: a cue for long-lived handlers to finish. */
  signal: AbortSignal;
}

/**
 * What `serve()` resolves with once the listener is closed and every handler
 * has finished or been cut: a graceful shutdown's report.
 */
export interface ServeSummary {
  /** Handlers that returned (their connections were closed gracefully). */
  served: number;
  /** Handlers that threw (reported to `onError`; their connections were destroyed). */
  failed: number;
  /**
   * Handlers still running when `shutdownTimeout` expired: their connections
   * were destroyed. `0` after a shutdown that let everyone finish.
   */
  cut: number;
}

/** Options of `listener.serve()`. */
export interface ServeOptions<C extends Connection = Connection> extends AbortOptions {
  /** Handlers running at once; further connections wait in the accept queue. @default Infinity */
  concurrency?: number | undefined;
  /** Aborting closes the listener and starts a graceful shutdown. */
  signal?: AbortSignal | undefined;
  /**
   * Called with the error of a handler that threw (its connection has been
   * destroyed). Other connections and the server carry on. An `onError`
   * that throws is contained too: both errors are reported with
   * `console.error`.
   * @default reports the error with `console.error`
   */
  onError?: ((error: unknown, conn: C) => void) | undefined;
  /**
   * After the listener closes, how long to wait for running handlers before
   * destroying their connections (counted as `cut` in the {@link ServeSummary}).
   * `serve()` then resolves without waiting for the cut handlers, so a handler
   * stuck on something other than its connection cannot hold the shutdown.
   * Milliseconds up to 2^31 - 1, or `Infinity`.
   * @default Infinity (wait for all)
   */
  shutdownTimeout?: number | undefined;
}

/** Throws `ERR_INVALID_ARG` or `ERR_OUT_OF_RANGE` on options `serve()` cannot work with. */
function checkServeOptions(options: ServeOptions<never>): void {
  checkOption('serve(): options', options, 'object');
  checkOptionKeys('serve()', options, ['concurrency', 'signal', 'onError', 'shutdownTimeout']);
  checkOption('serve(): concurrency', options.concurrency, { integer: [1, Number.POSITIVE_INFINITY] });
  checkOption('serve(): shutdownTimeout', options.shutdownTimeout, 'timeout');
  checkOption('serve(): signal', options.signal, 'signal');
  checkOption('serve(): onError', options.onError, 'function');
}

/**
 * The accept loop behind every listener's `serve()`: runs `handler` for each
 * connection `listener.accept()` hands out, many at once, until it hands out
 * no more; then waits for the running handlers (see {@link ServeOptions}) and
 * resolves with a {@link ServeSummary}. A handler's connection is closed when
 * it returns, destroyed when it throws.
 * Checks `handler` and `options` first, throwing `ERR_INVALID_ARG` or
 * `ERR_OUT_OF_RANGE` before anything runs. For the listeners of transports.
 *
 * @example
 * ```ts
 * class MyListener {
 *   serve(handler: ConnectionHandler, options?: ServeOptions) {
 *     return serveConnections({ accept: () => this.#next(), close: () => this.close() }, handler, options);
 *   }
 * }
 * ```
 */
export function serveConnections<C extends Connection>(
  listener: { accept(): Promise<C | undefined>; close(): Promise<void> },
  handler: ConnectionHandler<C>,
  options: ServeOptions<C> = {},
): Promise<ServeSummary> {
  checkOption('serve(): handler', handler, 'function', { required: true });
  checkServeOptions(options);
  return acceptLoop(listener, handler, options);
}

async function acceptLoop<C extends Connection>(
  listener: { accept(): Promise<C | undefined>; close(): Promise<void> },
  handler: ConnectionHandler<C>,
  options: ServeOptions<C>,
): Promise<ServeSummary> {
  const { concurrency = Number.POSITIVE_INFINITY, signal, shutdownTimeout = Number.POSITIVE_INFINITY } = options;
  const onError = options.onError ?? reportHandlerError;
  const shutdown = new AbortController();
  const running = new Map<C, Promise<void>>();
  const summary: ServeSummary = { served: 0, failed: 0, cut: 0 };
  /** Connections destroyed at `shutdownTimeout`: counted as cut, whatever their handlers do next. */
  const cut = new Set<C>();
  const stop = () => void listener.close();
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();

  /** One context for every handler: it only carries the shutdown signal. */
  const context: HandlerContext = Object.freeze({ signal: shutdown.signal });
  const finished = (conn: C) => {
    if (!cut.has(conn)) summary.served++;
    running.delete(conn);
  };
  const failed = (conn: C, error: unknown) => {
    conn.destroy();
    if (!cut.has(conn)) summary.failed++;
    running.delete(conn);
    // An onError that throws (or rejects) must not take the server down: report both.
    callContained('serve(): onError', onError, [error, conn], (reporting) =>
      reportCallbackError(
        'serve(): onError',
        new AggregateError([error, reporting], 'onError threw while reporting a handler error'),
      ),
    );
  };
  /**
   * Runs the handler, then closes its connection, or destroys it if the
   * handler threw. Promise callbacks rather than an async function: a
   * connection whose handler waits then costs two small closures, not a
   * suspended function of its own beside the handler's.
   */
  const run = (conn: C): Promise<void> => {
    let handled: Promise<unknown>;
    try {
      handled = Promise.resolve(handler(conn, context));
    } catch (error) {
      failed(conn, error);
      return SETTLED;
    }
    const fail = (error: unknown) => failed(conn, error);
    // A close that fails (a peer that stopped reading past closeTimeout) fails the handler too.
    return handled.then(() => conn.close().then(() => finished(conn), fail), fail);
  };

  try {
    for (;;) {
      if (running.size >= concurrency) await Promise.race(running.values());
      const conn = await listener.accept();
      if (conn === undefined) break;
      // Added before it runs and removed when it settles; a handler that settles at once (a throw before its
      // first await) has removed itself by the time run() returns, and is not added back.
      running.set(conn, SETTLED);
      const task = run(conn);
      if (running.has(conn)) running.set(conn, task);
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    await listener.close();
    shutdown.abort();
    await drain(running, shutdownTimeout, cut);
    summary.cut = cut.size;
  }
  return summary;
}

/**
 * Waits for the running handlers, at most `timeout`; then destroys the
 * connections of the rest, adding them to `cut`, and returns without waiting
 * for those handlers to notice.
 */
async function drain<C extends Connection>(
  running: Map<C, Promise<void>>,
  timeout: number,
  cut: Set<C>,
): Promise<void> {
  if (running.size === 0) return;
  const all = Promise.all(running.values());
  if (Number.isFinite(timeout)) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)));
    await Promise.race([all, expired]);
    clearTimeout(timer);
    if (running.size === 0) return;
    for (const conn of running.keys()) {
      cut.add(conn);
      conn.destroy();
    }
    // Handlers waiting on their connections fail now; one waiting on something else (a database reply) must not
    // hold the shutdown: give them this turn, then go.
    await Promise.race([all, new Promise<void>((resolve) => setTimeout(resolve, 0))]);
    return;
  }
  await all;
}

/** Stands in for a handler's task between adding it and starting it. */
const SETTLED: Promise<void> = Promise.resolve();

function reportHandlerError(error: unknown, conn: Connection): void {
  console.error('sluice: a connection handler failed', conn.remoteAddress, error);
}
