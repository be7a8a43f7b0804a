import type { AbortOptions } from '@sluice/core';
import { AbortError, checkOption, checkOptionKeys, InvalidArgumentError } from '@sluice/core';
import { isThenable } from './call-contained.js';
import type { Framed } from './framed.js';
import { kindOf } from './internal/kind-of.js';
import { type Deferred, deferred } from './internal/settle.js';
import { WritesInTurn } from './internal/writes-in-turn.js';
import { reportCallbackError } from './report-callback-error.js';

/**
 * Answers one request: returns (or resolves with) its response, or
 * `undefined` to send nothing (a notification).
 *
 * @example
 * ```ts
 * const handler: RequestHandler<Request, Response> = async (request, { signal }) =>
 *   request.id === undefined ? undefined : { jsonrpc: '2.0', id: request.id, result: await run(request, signal) };
 * ```
 */
export type RequestHandler<TRequest, TResponse> = (
  request: TRequest,
  context: RequestContext,
) => TResponse | undefined | PromiseLike<TResponse | undefined>;

/**
 * What a {@link RequestHandler} is told besides its request.
 *
 * @example
 * ```ts
 * const handler = (request: string, { signal }: RequestContext) => lookup(request, { signal });
 * ```
 */
export interface RequestContext {
  /** Aborted when `respond()` stops early: its `signal` aborted, or the connection or a handler failed. */
  signal: AbortSignal;
}

/**
 * Options of {@link respond}.
 *
 * @example
 * ```ts
 * const options: RespondOptions<Request, Response> = { concurrency: 8, correlate: 'id', onError: toErrorResponse };
 * ```
 */
export interface RespondOptions<TRequest, TResponse> extends AbortOptions {
  /**
   * Handlers running at once. When that many are running (or, with
   * `'order'`, done and waiting for an earlier one), reading waits:
   * backpressure on the peer. Raise it for requests that may run in any order.
   * @default 1
   */
  concurrency?: number | undefined;
  /**
   * `'order'`: responses are written in the order of their requests (RESP,
   * HTTP/1.1), a response done early waiting for those before it. `'id'`:
   * each response is written as soon as it is ready (it carries its
   * request's id, as in JSON-RPC).
   * @default 'order'
   */
  correlate?: 'order' | 'id' | undefined;
  /**
   * Aborting stops reading and aborts the handlers' signals; `respond()`
   * rejects with an `AbortError` once they have finished and their
   * responses are written.
   */
  signal?: AbortSignal | undefined;
  /**
   * Called with the error of a handler that threw and its request: returns
   * (or resolves with) the response to send instead, such as a JSON-RPC
   * error, or `undefined` to send nothing. If it throws, both errors are
   * reported with `console.error` and nothing is sent.
   * @default none: a handler that throws fails `respond()`
   */
  onError?:
    | ((error: unknown, request: TRequest) => TResponse | undefined | PromiseLike<TResponse | undefined>)
    | undefined;
}

const RESPOND_KEYS = ['concurrency', 'correlate', 'signal', 'onError'];

/** A request being handled, with its response once it is ready. */
interface Slot<TResponse> {
  done: boolean;
  response: TResponse | undefined;
}

/**
 * Serves requests on a connection: reads each request from `io`, runs
 * `handler(request, { signal })` for it, at most `concurrency` at once
 * (reading waits while they are busy), and writes each response: as it
 * completes with `correlate: 'id'`, in request order with `'order'` (the
 * default). Resolves once the input has ended, every handler has finished
 * and every response is written; does not close `io`. Rejects with the
 * connection's error (a decode error, a failed write), a handler's error
 * when there is no `onError` (after the other handlers finish), or an
 * `AbortError` when `signal` aborts; `ERR_INVALID_ARG` or
 * `ERR_OUT_OF_RANGE` on arguments it cannot work with.
 *
 * @example A JSON-RPC server, eight requests at once, answers as they complete
 * ```ts
 * await listener.serve((conn) =>
 *   respond(conn.framed(json<Request | Response>()), (request) => ({ jsonrpc: '2.0', id: request.id, result: run(request) }), {
 *     concurrency: 8,
 *     correlate: 'id',
 *   }),
 * );
 * ```
 */
export async function respond<TRequest, TResponse>(
  io: Framed<TRequest, TResponse>,
  handler: RequestHandler<TRequest, TResponse>,
  options: RespondOptions<TRequest, TResponse> = {},
): Promise<void> {
  if (typeof (io as Partial<Framed<TRequest, TResponse>> | null)?.read !== 'function') {
    throw new InvalidArgumentError(`respond(): io must be a Framed (conn.framed(codec)), got ${kindOf(io)}`);
  }
  checkOption('respond(): handler', handler, 'function', { required: true });
  checkOption('respond(): options', options, 'object');
  checkOptionKeys('respond()', options, RESPOND_KEYS);
  checkOption('respond(): concurrency', options.concurrency, { integer: [1, Number.POSITIVE_INFINITY] });
  checkOption('respond(): correlate', options.correlate, { oneOf: ['order', 'id'] });
  checkOption('respond(): signal', options.signal, 'signal');
  checkOption('respond(): onError', options.onError, 'function');
  const { concurrency = 1, signal, onError } = options;
  const inOrder = options.correlate !== 'id';
  const stop = new AbortController();
  const context: RequestContext = Object.freeze({ signal: stop.signal });
  /** Requests read whose responses are not written yet. */
  let busy = 0;
  let failure: { error: unknown } | undefined;
  let wake: Deferred<void> | undefined;
  /** With `'order'`: requests read, oldest first, until their responses are written. */
  const outbox: Slot<TResponse>[] = [];

  const changed = () => {
    wake?.resolve();
    wake = undefined;
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    stop.abort(error);
    changed();
  };
  const written = () => {
    busy--;
    changed();
  };
  // Written one at a time, so that `concurrency` responses never add up past `writeCapacity`.
  const writes = new WritesInTurn<TResponse, undefined>(io, written, (_, error) => (fail(error), written()));
  const write = (response: TResponse | undefined) => {
    if (response === undefined) written();
    else writes.push(response, undefined);
  };
  const finish = (slot: Slot<TResponse>, response: TResponse | undefined) => {
    if (!inOrder) return write(response);
    slot.done = true;
    slot.response = response;
    while (outbox[0]?.done === true) write((outbox.shift() as Slot<TResponse>).response);
  };
  const failed = (slot: Slot<TResponse>, request: TRequest, error: unknown) => {
    if (onError === undefined) {
      fail(error);
      return finish(slot, undefined);
    }
    const contain = (reporting: unknown) => {
      reportCallbackError(
        'respond(): onError',
        new AggregateError([error, reporting], 'onError threw while handling a request handler error'),
      );
      finish(slot, undefined);
    };
    try {
      const answer = onError(error, request);
      if (isThenable(answer)) Promise.resolve(answer).then((response) => finish(slot, response), contain);
      else finish(slot, answer);
    } catch (reporting) {
      contain(reporting);
    }
  };
  const run = (request: TRequest) => {
    busy++;
    const slot: Slot<TResponse> = { done: false, response: undefined };
    if (inOrder) outbox.push(slot);
    try {
      const answer = handler(request, context);
      if (!isThenable(answer)) return finish(slot, answer);
      Promise.resolve(answer).then(
        (response) => finish(slot, response),
        (error: unknown) => failed(slot, request, error),
      );
    } catch (error) {
      failed(slot, request, error);
    }
  };
  const aborted = () => fail(new AbortError(signal?.reason));
  signal?.addEventListener('abort', aborted, { once: true });
  if (signal?.aborted === true) aborted();

  try {
    for (;;) {
      while (busy >= concurrency && failure === undefined) await (wake ??= deferred()).promise;
      if (failure !== undefined) break;
      const request = await io.read({ signal: stop.signal });
      if (request === undefined) break;
      run(request);
    }
  } catch (error) {
    // A read cut short by `stop` rejects with an AbortError; what stopped it is already the failure.
    fail(error);
  } finally {
    signal?.removeEventListener('abort', aborted);
  }
  while (busy > 0) await (wake ??= deferred()).promise;
  if (failure !== undefined) throw failure.error;
}
