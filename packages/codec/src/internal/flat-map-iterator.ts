/**
 * The async iterator behind `decode`, `decodeByChunk` and `encode`: pulls
 * items from a source, steps each into zero or more outputs (pushed onto the
 * array it is given), and flushes once at the end. Hand-written rather than an async generator because it is on the
 * per-frame hot path: an output already computed is handed out with one
 * `Promise.resolve`, and the source is awaited only when the buffer is empty.
 *
 * Lifecycle: the source is opened on the first `next()`. If `step` or `flush`
 * throws, or the consumer leaves early (`return()`, `break`), the source's
 * `return()` is called; if the source itself throws, it is finished already
 * and is left alone. Outputs a step pushed before it threw are handed out
 * first, then the error. After an error every `next()` rejects with it, so a
 * failed iterator is never mistaken for one that ended. Concurrent `next()`
 * calls are served in order.
 *
 * Fields are TS `private` rather than `#private`: on Node 20 that is
 * measurably cheaper per item (see docs/conventions.md).
 */
import type { Source } from '@sluice/core';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const NONE: never[] = [];

export class FlatMapIterator<In, Out> implements AsyncIterableIterator<Out, undefined> {
  private readonly source: Source<In>;
  private readonly step: (item: In, out: Out[]) => void;
  private readonly flush: (out: Out[]) => void;
  private iterator: Iterator<In> | AsyncIterator<In> | null = null;
  private sync = false;
  private buffer: Out[] = NONE;
  private index = 0;
  private done = false;
  /** What ended the iteration with an error: every later `next()` rejects with it. */
  private failed: { readonly error: unknown } | null = null;
  private busy: Promise<IteratorResult<Out, undefined>> | null = null;
  private pulling = false;

  /**
   * @param step Pushes the outputs of one item onto `out`; may throw after pushing some.
   * @param flush Pushes the final outputs onto `out` once the source has ended; may throw likewise.
   */
  constructor(source: Source<In>, step: (item: In, out: Out[]) => void, flush: (out: Out[]) => void) {
    this.source = source;
    this.step = step;
    this.flush = flush;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Out, undefined>> {
    const buffer = this.buffer;
    const index = this.index;
    if (index < buffer.length) {
      this.index = index + 1;
      return Promise.resolve({ value: buffer[index] as Out, done: false });
    }
    if (this.busy !== null) {
      const again = (): Promise<IteratorResult<Out, undefined>> => this.next();
      return this.busy.then(again, again);
    }
    if (this.done) return this.failed === null ? Promise.resolve(DONE) : Promise.reject(this.failed.error);
    const pull = this.#pull();
    // A sync source may have finished the pull already; only a pending one blocks.
    if (this.pulling) this.busy = pull;
    return pull;
  }

  async return(): Promise<IteratorResult<Out, undefined>> {
    if (this.busy !== null) await this.busy.catch(() => undefined);
    const iterator = this.done ? null : this.iterator;
    this.#finish();
    await iterator?.return?.();
    return DONE;
  }

  async #pull(): Promise<IteratorResult<Out, undefined>> {
    this.pulling = true;
    try {
      const iterator = (this.iterator ??= this.#open());
      for (;;) {
        const result: IteratorResult<In> = this.sync
          ? (iterator as Iterator<In>).next()
          : await (iterator as AsyncIterator<In>).next();
        const out: Out[] = [];
        try {
          if (result.done === true) this.#end(out);
          else this.step(result.value, out);
        } catch (error) {
          const open = !this.done;
          this.#finish();
          if (open) await Promise.resolve(iterator.return?.()).catch(() => undefined);
          if (out.length === 0) throw error;
          // Hand out what the step pushed before it threw; the error comes next.
          this.failed = { error };
          return this.#emit(out);
        }
        if (out.length > 0) return this.#emit(out);
        if (this.done) return DONE;
      }
    } catch (error) {
      this.#finish();
      this.failed = { error };
      throw error;
    } finally {
      this.pulling = false;
      this.busy = null;
    }
  }

  #open(): Iterator<In> | AsyncIterator<In> {
    const source = this.source;
    if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
    this.sync = true;
    return source[Symbol.iterator]();
  }

  #end(out: Out[]): void {
    this.done = true;
    this.flush(out);
  }

  /** Makes `out` the buffer and hands out its first item. */
  #emit(out: Out[]): IteratorYieldResult<Out> {
    this.buffer = out;
    this.index = 1;
    return { value: out[0] as Out, done: false };
  }

  #finish(): void {
    this.done = true;
    this.buffer = NONE;
    this.index = 0;
  }
}
