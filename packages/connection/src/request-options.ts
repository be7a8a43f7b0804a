import type { AbortOptions } from '@sluice/core';

/**
 * How a {@link requester} finds the request a response answers:
 * - `'order'`: responses answer requests in the order they were sent (RESP,
 *   HTTP/1.1 pipelining). A request that timed out or was aborted keeps its
 *   place: its response, when it comes, is dropped.
 * - {@link CorrelateById}: each response carries its request's id and may
 *   come in any order (JSON-RPC).
 *
 * @example
 * ```ts
 * const byOrder: Correlate<RespValue, RespValue> = 'order';
 * ```
 */
export type Correlate<TRequest, TResponse> = 'order' | CorrelateById<TRequest, TResponse>;

/**
 * Correlation by id: the key of a request, and of a response. Keys are
 * compared as `Map` keys are (`===`, but `NaN` equals `NaN`).
 *
 * @example JSON-RPC
 * ```ts
 * const byId: CorrelateById<Request, Response> = {
 *   requestId: (request) => request.id,
 *   responseId: (response) => response.id ?? undefined, // no id: a notification
 * };
 * ```
 */
export interface CorrelateById<TRequest, TResponse> {
  /** The key of a request. A second request with a key already in flight is refused (`ERR_INVALID_ARG`). */
  requestId(request: TRequest): unknown;
  /**
   * The key of a response, or `undefined` for a frame that answers no
   * request (a notification): that goes to `onUnmatched`. If it throws, the
   * requester fails: every request rejects with what it threw and the
   * connection is closed.
   */
  responseId(response: TResponse): unknown;
}

/**
 * Options of {@link requester}.
 *
 * @example
 * ```ts
 * const options: RequesterOptions<RespValue, RespValue> = { correlate: 'order', timeout: 5000, maxPending: 64 };
 * ```
 */
export interface RequesterOptions<TRequest, TResponse> extends AbortOptions {
  /** How a response is matched to its request; see {@link Correlate}. Required. */
  correlate: Correlate<TRequest, TResponse>;
  /**
   * The time a request may take, from `request()` to its response (a wait
   * for a slot included), unless the request gives its own. Milliseconds
   * up to 2^31 - 1; `0` or `Infinity` for no limit. Beyond it the request
   * rejects with `RequestTimeoutError` (`ERR_REQUEST_TIMEOUT`).
   * @default Infinity
   */
  timeout?: number | undefined;
  /**
   * Requests in flight at most (sent and not answered; with `'order'`, a
   * request that timed out counts until its response comes). A request
   * beyond it waits for a slot, in order, without being sent.
   * @default 1024
   */
  maxPending?: number | undefined;
  /** Aborting closes the requester, as `close()` does. */
  signal?: AbortSignal | undefined;
  /**
   * Called with each frame that answers no request in flight: a
   * notification, a late response to a request that timed out (by id), a
   * frame when nothing is in flight. A throw is contained (reported with
   * `console.error`).
   * @default drops the frame
   */
  onUnmatched?: ((response: TResponse) => void) | undefined;
}

/**
 * Options of `rpc.request()`.
 *
 * @example
 * ```ts
 * const reply = await rpc.request(['PING'], { timeout: 1000, signal: controller.signal } satisfies RequestOptions);
 * ```
 */
export interface RequestOptions extends AbortOptions {
  /**
   * This request's time limit, in place of the requester's `timeout`
   * (same units; `0` or `Infinity` for none).
   * @default the requester's `timeout`
   */
  timeout?: number | undefined;
  /** Aborting rejects the request with an `AbortError` (with `'order'`, it keeps its place if it was sent). */
  signal?: AbortSignal | undefined;
}
