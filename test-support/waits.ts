/**
 * Waiting with a bound, shared by every package's tests: a promise with its
 * resolve function, errors reported through a callback and awaited one by
 * one, `within()`, which turns "never happened" into a failure (and
 * `settlesWithin()`, for a promise that may reject), and turns of the event
 * loop (`turns()`, `stillPending()`, `until()`).
 */

/** A promise with its resolve function, for waiting on something a callback reports. */
export function signal<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Errors reported through a callback (serve's `onError`), awaited one by one. */
export class ErrorLog {
  readonly errors: unknown[] = [];
  #waiters: { count: number; resolve(): void }[] = [];

  /** Pass as `onError`. */
  readonly push = (error: unknown): void => {
    this.errors.push(error);
    this.#waiters = this.#waiters.filter((waiter) =>
      this.errors.length >= waiter.count ? (waiter.resolve(), false) : true,
    );
  };

  /** Resolves once `count` errors have been reported; fails after `limitMs`. */
  async reach(count: number, limitMs = 5000): Promise<unknown[]> {
    if (this.errors.length < count) {
      const reached = new Promise<void>((resolve) => this.#waiters.push({ count, resolve }));
      await within(reached, limitMs, `${count} reported errors (got ${this.errors.length})`);
    }
    return this.errors;
  }

  /** The codes reported so far. */
  codes(): string[] {
    return this.errors.map((error) => String((error as { code?: unknown }).code ?? (error as Error).message));
  }

  /** The `reason` of each error (what a `HandshakeError` wraps), else its code. */
  reasons(): string[] {
    return this.errors.map((error) =>
      String((error as { reason?: unknown }).reason ?? (error as { code?: unknown }).code),
    );
  }
}

/** Resolves with `promise`, or fails after `ms` saying what did not happen: a bound on "never hangs". */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Fails if `promise` has not settled (either way) within `ms`: "nothing hangs", for a promise that may reject. */
export async function settlesWithin(promise: Promise<unknown>, ms: number, what: string): Promise<void> {
  await within(
    promise.then(
      () => undefined,
      () => undefined,
    ),
    ms,
    `${what} settling`,
  );
}

/** Lets the event loop run `count` times (I/O callbacks, timers due, next ticks). */
export async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** True if `promise` is still pending after the event loop has run what was ready (two turns). */
export async function stillPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await turns(2);
  return !settled;
}

/** Waits, turn by turn of the event loop, until `predicate` holds; fails after `limitMs` saying what did not happen. */
export async function until(predicate: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${limitMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
