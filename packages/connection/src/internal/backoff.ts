/** The longest a timer can wait: a ceiling past it would fire at once. */
const MAX_TIMER = 2 ** 31 - 1;

/**
 * @internal Exponential backoff with full jitter: each delay is a random
 * time from 0 to a ceiling that starts at `initial`, is multiplied by
 * `factor` after each delay, and stops growing at `max`.
 */
export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly #factor: number;
  #ceiling: number;

  constructor(initial: number, max: number, factor: number) {
    this.#initial = initial;
    this.#max = Math.min(max, MAX_TIMER);
    this.#factor = factor;
    this.#ceiling = Math.min(initial, this.#max);
  }

  /** The next delay, in whole milliseconds. */
  next(): number {
    const ceiling = this.#ceiling;
    this.#ceiling = Math.min(ceiling * this.#factor, this.#max);
    return Math.round(Math.random() * ceiling);
  }

  /** Starts again from `initial`. */
  reset(): void {
    this.#ceiling = Math.min(this.#initial, this.#max);
  }
}

/**
 * @internal Waits `ms`, or until `signal` aborts: resolves true after the
 * wait, false on the abort (and clears the timer, so nothing is left behind).
 */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
