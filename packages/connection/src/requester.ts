import { AbortError, checkOption, checkOptionKeys, InvalidArgumentError } from '@sluice/core';
import { callContained } from './call-contained.js';
import { RequestClosedError, RequestTimeoutError } from './errors.js';
import type { Framed } from './framed.js';
import { kindOf } from './internal/kind-of.js';
import { PendingRequest } from './internal/pending-request.js';
import { WritesInTurn } from './internal/writes-in-turn.js';
import type { CorrelateById, RequesterOptions, RequestOptions } from './request-options.js';

const REQUESTER_KEYS = ['correlate', 'timeout', 'maxPending', 'signal', 'onUnmatched'];
const REQUEST_KEYS = ['timeout', 'signal'];

/**
 * Requests and their responses over one connection: `request(frame)` writes
 * a frame and resolves with the frame that answers it, many in flight at
 * once. Created by {@link requester}, which reads the connection from then
 * on.
 *
 * When the connection ends or `close()` is called, every request not yet
 * answered rejects with `RequestClosedError` (`ERR_REQUEST_CLOSED`); when it
 * fails (a decode error, a reset), with that error. Nothing of a settled
 * request is kept.
 *
 * @example
 * ```ts
 * await using rpc = requester(conn.framed(resp()), { correlate: 'order', timeout: 5000 });
 * const [pong, value] = await Promise.all([rpc.request(['PING']), rpc.request(['GET', 'key'])]);
 * ```
 */
export class Requester<TRequest, TResponse> implements AsyncDisposable {
  readonly #io: Framed<TResponse, TRequest>;
  readonly #byId: CorrelateById<TRequest, TResponse> | undefined;
  readonly #timeout: number;
  readonly #maxPending: number;
  readonly #onUnmatched: ((response: TResponse) => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onSignal = () => void this.close();
  /** By id: requests by key, sent or waiting. */
  readonly #keys = new Map<unknown, PendingRequest<TRequest, TResponse>>();
  /** By order: requests sent, oldest first, including places kept by requests settled early. */
  #order: PendingRequest<TRequest, TResponse>[] = [];
  /** Requests waiting for a slot, oldest first. */
  #waiting: PendingRequest<TRequest, TResponse>[] = [];
  /** Slots taken: requests sent and not answered (by order, places kept too). */
  #inFlight = 0;
  /** Requests sent, written one at a time, so that many in flight never add up past `writeCapacity`. */
  readonly #writes: WritesInTurn<TRequest, PendingRequest<TRequest, TResponse>>;
  #pending = 0;
  /** Why no more requests can be answered, once none can. */
  #ended: { error: unknown } | undefined;
  #closing: Promise<void> | undefined;
  readonly #reading: Promise<void>;

  /** @internal Use `requester(io, options)`. */
  constructor(io: Framed<TResponse, TRequest>, options: RequesterOptions<TRequest, TResponse>) {
    this.#io = io;
    this.#writes = new WritesInTurn(
      io,
      () => {},
      (request, error) => this.#writeFailed(request, error),
    );
    this.#byId = options.correlate === 'order' ? undefined : options.correlate;
    this.#timeout = options.timeout ?? Number.POSITIVE_INFINITY;
    this.#maxPending = options.maxPending ?? 1024;
    this.#onUnmatched = options.onUnmatched;
    this.#signal = options.signal;
    this.#signal?.addEventListener('abort', this.#onSignal, { once: true });
    this.#reading = this.#read();
    if (this.#signal?.aborted === true) void this.close();
  }

  /** Requests not settled yet: in flight, or waiting for a slot. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Writes `frame` and resolves with the response that answers it. Rejects
   * with `RequestTimeoutError` (`ERR_REQUEST_TIMEOUT`) after its timeout,
   * with an `AbortError` when `signal` aborts, with `RequestClosedError` or
   * the connection's error when no response can come, with the codec's
   * error if `frame` cannot be encoded, and with `ERR_INVALID_ARG` (before
   * sending) if a request with the same id is in flight. With `maxPending`
   * requests in flight, it waits for a slot before sending.
   *
   * @example
   * ```ts
   * const response = await rpc.request({ jsonrpc: '2.0', id: 7, method: 'add', params: [2, 3] }, { timeout: 1000 });
   * ```
   */
  request(frame: TRequest, options?: RequestOptions): Promise<TResponse> {
    let timeout = this.#timeout;
    let key: unknown;
    const signal = options?.signal;
    try {
      if (options !== undefined) {
        checkOption('request(): options', options, 'object');
        checkOptionKeys('request()', options, REQUEST_KEYS);
        checkOption('request(): timeout', options.timeout, 'timeout');
        checkOption('request(): signal', signal, 'signal');
        timeout = options.timeout ?? timeout;
      }
      if (this.#ended !== undefined) throw this.#ended.error;
      if (signal?.aborted === true) throw new AbortError(signal.reason);
      if (this.#byId !== undefined) {
        key = this.#byId.requestId(frame);
        if (this.#keys.has(key)) {
          throw new InvalidArgumentError(`request(): a request with id ${describeKey(key)} is already in flight`);
        }
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<TResponse>((resolve, reject) => {
      const request = new PendingRequest<TRequest, TResponse>(frame, key, resolve, reject);
      this.#pending++;
      if (this.#byId !== undefined) this.#keys.set(key, request);
      request.watch(
        timeout,
        signal,
        (late) => this.#settleEarly(late, new RequestTimeoutError(timeout)),
        (aborted) => this.#settleEarly(aborted, new AbortError(signal?.reason)),
      );
      if (this.#inFlight < this.#maxPending && this.#waiting.length === 0) this.#send(request);
      else this.#waiting.push(request);
    });
  }

  /**
   * Rejects every request not yet answered with `RequestClosedError`, then
   * closes the connection (see `Connection.close`). Calling it again returns
   * the same promise.
   *
   * @example
   * ```ts
   * await rpc.close();
   * ```
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#end(new RequestClosedError());
      await this.#io.close();
      await this.#reading;
    })();
    return this.#closing;
  }

  /** `await using rpc = requester(io, options)` closes it at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #send(request: PendingRequest<TRequest, TResponse>): void {
    const frame = request.frame as TRequest;
    request.frame = undefined;
    request.sent = true;
    this.#inFlight++;
    if (this.#byId === undefined) this.#order.push(request);
    // Written even if it times out before its turn: by order, the server's answers count it.
    this.#writes.push(frame, request);
  }

  /** Nothing will answer a request whose write failed: it gives its slot back. */
  #writeFailed(request: PendingRequest<TRequest, TResponse>, error: unknown): void {
    if (this.#byId !== undefined) {
      if (this.#keys.get(request.key) === request) this.#forget(request);
    } else {
      const at = this.#order.indexOf(request);
      if (at >= 0) {
        this.#order.splice(at, 1);
        this.#freeSlot();
      }
    }
    this.#reject(request, error);
  }

  /** A timeout or an abort. By order, a request sent keeps its place until its response comes. */
  #settleEarly(request: PendingRequest<TRequest, TResponse>, error: unknown): void {
    if (!request.sent) this.#waiting.splice(this.#waiting.indexOf(request), 1);
    if (this.#byId !== undefined) this.#forget(request);
    this.#reject(request, error);
  }

  /** By id: drops a request from the keys, giving back its slot if it was sent. */
  #forget(request: PendingRequest<TRequest, TResponse>): void {
    this.#keys.delete(request.key);
    if (request.sent) this.#freeSlot();
  }

  #freeSlot(): void {
    this.#inFlight--;
    while (this.#inFlight < this.#maxPending && this.#waiting.length > 0 && this.#ended === undefined) {
      this.#send(this.#waiting.shift() as PendingRequest<TRequest, TResponse>);
    }
  }

  #reject(request: PendingRequest<TRequest, TResponse>, error: unknown): void {
    if (request.reject(error)) this.#pending--;
  }

  #receive(response: TResponse): void {
    let request: PendingRequest<TRequest, TResponse> | undefined;
    if (this.#byId === undefined) {
      request = this.#order.shift();
      if (request !== undefined) this.#freeSlot();
    } else {
      const key = this.#byId.responseId(response);
      request = key === undefined ? undefined : this.#keys.get(key);
      if (request !== undefined && !request.sent) request = undefined; // an answer to an earlier request
      if (request !== undefined) this.#forget(request);
    }
    if (request === undefined) {
      callContained('requester(): onUnmatched', this.#onUnmatched, [response]);
    } else if (request.resolve(response)) {
      this.#pending--;
    }
    // By order, a response to a request that timed out or was aborted is dropped.
  }

  async #read(): Promise<void> {
    let error: unknown = new RequestClosedError('The connection ended before the response came');
    try {
      for await (const response of this.#io) this.#receive(response);
    } catch (failure) {
      error = failure;
    }
    const peerEnded = this.#ended === undefined;
    this.#end(error);
    // No response can come: the connection is of no more use.
    if (peerEnded) void this.#io.close().catch(() => {});
  }

  /** No more responses: every request not answered rejects with `error`, and so do later ones. */
  #end(error: unknown): void {
    if (this.#ended !== undefined) return;
    this.#ended = { error };
    this.#signal?.removeEventListener('abort', this.#onSignal);
    // By id, every request (waiting for a slot or sent) is in #keys; by order, in #waiting or #order.
    const requests = this.#byId !== undefined ? [...this.#keys.values()] : [...this.#waiting, ...this.#order];
    this.#waiting = [];
    this.#order = [];
    this.#keys.clear();
    this.#inFlight = 0;
    for (const request of requests) this.#reject(request, error);
  }
}

/**
 * Puts requests and responses on a connection: `request(frame)` writes a
 * request and resolves with the response that answers it. Many can be in
 * flight at once, answered in any order (`correlate` by id, as JSON-RPC)
 * or in the order sent (`correlate: 'order'`, as RESP and HTTP/1.1
 * pipelining). Works over any `Framed`: any transport, any codec. The
 * requester reads `io` from now on (iterate it nowhere else). Throws
 * `ERR_INVALID_ARG` or `ERR_OUT_OF_RANGE` on options it cannot work with.
 *
 * @example JSON-RPC over TCP
 * ```ts
 * const conn = await connect({ host: '127.0.0.1', port: 7006 });
 * await using rpc = requester(conn.framed(json<Request | Response>()), {
 *   correlate: { requestId: (request) => request.id, responseId: (response) => response.id ?? undefined },
 *   timeout: 5000,
 * });
 * const answer = await rpc.request({ jsonrpc: '2.0', id: 1, method: 'add', params: [2, 3] });
 * ```
 */
export function requester<TResponse, TRequest>(
  io: Framed<TResponse, TRequest>,
  options: RequesterOptions<TRequest, TResponse>,
): Requester<TRequest, TResponse> {
  if (typeof (io as Partial<Framed<TResponse, TRequest>> | null)?.write !== 'function') {
    throw new InvalidArgumentError(`requester(): io must be a Framed (conn.framed(codec)), got ${kindOf(io)}`);
  }
  checkOption('requester(): options', options, 'object', { required: true });
  checkOptionKeys('requester()', options, REQUESTER_KEYS);
  const { correlate } = options;
  if (
    correlate !== 'order' &&
    (typeof correlate !== 'object' ||
      correlate === null ||
      typeof correlate.requestId !== 'function' ||
      typeof correlate.responseId !== 'function')
  ) {
    throw new InvalidArgumentError(
      `requester(): correlate must be 'order' or { requestId, responseId } (two functions), got ${typeof correlate === 'string' ? JSON.stringify(correlate) : kindOf(correlate)}`,
    );
  }
  checkOption('requester(): timeout', options.timeout, 'timeout');
  checkOption('requester(): maxPending', options.maxPending, { integer: [1, Number.POSITIVE_INFINITY] });
  checkOption('requester(): signal', options.signal, 'signal');
  checkOption('requester(): onUnmatched', options.onUnmatched, 'function');
  return new Requester(io, options);
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(key) : String(key);
}
