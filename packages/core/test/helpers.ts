/**
 * Shared test helpers: a hand-written source that records how it is driven,
 * fast-check settings, and a way to detect hangs under fc.scheduler().
 */
import type fc from 'fast-check';

/** fast-check settings; raise the number of runs with FC_NUM_RUNS=1000. */
export const fcOptions = { numRuns: Number(process.env.FC_NUM_RUNS) || 100 };

export interface SourceOptions {
  /** `next()` number `failAt` (0-based) rejects with `error`. */
  failAt?: number;
  error?: unknown;
  /** After the values, `next()` stays pending (like an idle socket) until `return()`. */
  hang?: boolean;
  /** Passes every result through this (e.g. `s.schedule`) to control timing. */
  delay?: <R>(result: Promise<R>) => Promise<R>;
}

/**
 * A source written by hand (no generator) that records what its consumer
 * does: how many values were pulled, whether `return()` was called, and
 * whether it ended by itself. After `return()` it answers done, also to a
 * `next()` that was pending, like a socket that was closed.
 */
export class TestSource<T> implements AsyncIterable<T> {
  pulls = 0;
  returns = 0;
  /** Ended by itself: delivered done or failed. */
  ended = false;
  opened = 0;
  private index = 0;
  private readonly hanging: Array<(result: IteratorResult<T>) => void> = [];

  constructor(
    private readonly values: readonly T[],
    private readonly options: SourceOptions = {},
  ) {}

  /**
   * How many times the source was let go of: by running to its end (or
   * failing) or by `return()`. A correct consumer makes this exactly 1.
   */
  get released(): number {
    return this.returns + (this.ended ? 1 : 0);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    this.opened++;
    return {
      next: () => this.next(),
      return: () => {
        this.returns++;
        for (const resolve of this.hanging.splice(0)) resolve({ done: true, value: undefined });
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  private next(): Promise<IteratorResult<T>> {
    this.pulls++;
    const delay = this.options.delay ?? (<R>(p: Promise<R>) => p);
    if (this.returns > 0 || this.ended) return delay(Promise.resolve({ done: true, value: undefined }));
    const i = this.index++;
    if (i === this.options.failAt) {
      return delay(Promise.reject(this.options.error ?? new Error(`source failed at ${i}`))).catch((err: unknown) => {
        if (this.returns === 0) this.ended = true;
        throw err;
      });
    }
    if (i < this.values.length) return delay(Promise.resolve({ done: false, value: this.values[i] as T }));
    if (this.options.hang) return new Promise((resolve) => this.hanging.push(resolve));
    return delay(Promise.resolve<IteratorResult<T>>({ done: true, value: undefined })).then((result) => {
      // Ended by itself only if the consumer gets to see it before returning.
      if (this.returns === 0) this.ended = true;
      return result;
    });
  }
}

export type Outcome<T> = { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown };

/**
 * Runs the scheduler until nothing is left to release, then reports how
 * `promise` settled. Throws (failing the property) if it never settled: a
 * hang shows up as a counterexample instead of a test timeout.
 */
export async function settle<T>(s: fc.Scheduler, promise: Promise<T>, what = 'the operation'): Promise<Outcome<T>> {
  let outcome: Outcome<T> | undefined;
  promise.then(
    (value) => (outcome = { status: 'fulfilled', value }),
    (reason: unknown) => (outcome = { status: 'rejected', reason }),
  );
  await s.waitIdle();
  if (outcome === undefined) throw new Error(`Hang: ${what} never settled`);
  return outcome;
}

/** Reads up to `count` values, then breaks out (calling return()). */
export async function takeThenBreak<T>(iterable: AsyncIterable<T>, count: number): Promise<T[]> {
  const values: T[] = [];
  if (count === 0) return values;
  for await (const value of iterable) {
    values.push(value);
    if (values.length >= count) break;
  }
  return values;
}

/**
 * An async generator that yields `values`, then awaits forever, like a
 * socket read that never completes. Its `return()` queues behind that
 * pending read, so whoever awaits it hangs.
 */
export async function* stuckGenerator<T>(values: readonly T[]): AsyncGenerator<T> {
  yield* values;
  await new Promise<never>(() => {});
}

/** Resolves with `promise`'s value, or with 'hung' if it has not settled after many microtask turns. */
export function orHung<T>(promise: Promise<T>): Promise<T | 'hung'> {
  return Promise.race([promise, flush(200).then(() => 'hung' as const)]);
}

/** Lets pending promise reactions run (a few macrotask-free turns). */
export async function flush(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}
