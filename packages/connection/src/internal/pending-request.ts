/**
 * One request of a requester, from `request()` until it settles; and, with
 * `correlate: 'order'`, the place it keeps after settling early (a timeout,
 * an abort) until its response comes. Settling lets go of everything the
 * caller gave (the frame, the promise's functions, the signal), so a place
 * kept costs a few fields.
 */
export class PendingRequest<TRequest, TResponse> {
  /** The frame, kept only while the request waits for a slot. */
  frame: TRequest | undefined;
  /** Its key with correlation by id. */
  readonly key: unknown;
  /** Whether it has been written. */
  sent = false;
  #resolve: ((response: TResponse) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(frame: TRequest, key: unknown, resolve: (response: TResponse) => void, reject: (error: unknown) => void) {
    this.frame = frame;
    this.key = key;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Whether it has not settled yet. */
  get open(): boolean {
    return this.#resolve !== undefined;
  }

  /** Calls `onExpire` after `timeout` ms (none for 0 or `Infinity`) or when `signal` aborts, whichever is first. */
  watch(
    timeout: number,
    signal: AbortSignal | undefined,
    onTimeout: (request: this) => void,
    onAbort: (request: this) => void,
  ): void {
    if (timeout > 0 && Number.isFinite(timeout)) this.#timer = setTimeout(() => onTimeout(this), timeout);
    if (signal !== undefined) {
      this.#signal = signal;
      this.#onAbort = () => onAbort(this);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** Settles with `response` (if still open); returns whether it did. */
  resolve(response: TResponse): boolean {
    const resolve = this.#resolve;
    if (resolve === undefined) return false;
    this.#release();
    resolve(response);
    return true;
  }

  /** Settles with `error` (if still open); returns whether it did. */
  reject(error: unknown): boolean {
    const reject = this.#reject;
    if (reject === undefined) return false;
    this.#release();
    reject(error);
    return true;
  }

  #release(): void {
    this.#resolve = undefined;
    this.#reject = undefined;
    this.frame = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#onAbort !== undefined) this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#signal = undefined;
    this.#onAbort = undefined;
  }
}
