/**
 * The async iterator behind `decode`, `decodeBatched` and `encode`: pulls
 * items from a source, maps each to zero or more outputs, and flushes once at
 * the end. Hand-written rather than an async generator because it is on the
 * per-frame hot path: an output already computed is handed out with one
 * `Promise.resolve`, and the source is awaited only when the buffer is empty.
 *
 * Lifecycle: the source is opened on the first `next()`. If `step` or `flush`
 * throws, or the consumer leaves early (`return()`, `break`), the source's
 * `return()` is called; if the source itself throws, it is finished already
 * and is left alone. Concurrent `next()` calls are served in order.
 *
 * Fields are TS-private rather than `#private`: on Node 20 that is measurably
 * cheaper per item.
 */
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const NONE: never[] = [];

export type Source<T> = Iterable<T> | AsyncIterable<T>;

export class FlatMapIterator<In, Out> implements AsyncIterableIterator<Out, undefined> {
  private readonly _source: Source<In>;
  private readonly _step: (item: In) => Out[];
  private readonly _flush: () => Out[];
  private _iterator: Iterator<In> | AsyncIterator<In> | null = null;
  private _sync = false;
  private _buffer: Out[] = NONE;
  private _index = 0;
  private _done = false;
  private _busy: Promise<IteratorResult<Out, undefined>> | null = null;
  private _pulling = false;

  constructor(source: Source<In>, step: (item: In) => Out[], flush: () => Out[]) {
    this._source = source;
    this._step = step;
    this._flush = flush;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Out, undefined>> {
    const buffer = this._buffer;
    const index = this._index;
    if (index < buffer.length) {
      this._index = index + 1;
      return Promise.resolve({ value: buffer[index] as Out, done: false });
    }
    if (this._busy !== null) {
      const again = (): Promise<IteratorResult<Out, undefined>> => this.next();
      return this._busy.then(again, again);
    }
    if (this._done) return Promise.resolve(DONE);
    const pull = this.#pull();
    // A sync source may have finished the pull already; only a pending one blocks.
    if (this._pulling) this._busy = pull;
    return pull;
  }

  async return(): Promise<IteratorResult<Out, undefined>> {
    if (this._busy !== null) await this._busy.catch(() => undefined);
    const iterator = this._done ? null : this._iterator;
    this.#finish();
    await iterator?.return?.();
    return DONE;
  }

  async #pull(): Promise<IteratorResult<Out, undefined>> {
    this._pulling = true;
    try {
      const iterator = (this._iterator ??= this.#open());
      for (;;) {
        const result: IteratorResult<In> = this._sync
          ? (iterator as Iterator<In>).next()
          : await (iterator as AsyncIterator<In>).next();
        let out: Out[];
        try {
          out = result.done === true ? this.#end() : this._step(result.value);
        } catch (error) {
          const open = !this._done;
          this.#finish();
          if (open) await Promise.resolve(iterator.return?.()).catch(() => undefined);
          throw error;
        }
        if (out.length > 0) {
          this._buffer = out;
          this._index = 1;
          return { value: out[0] as Out, done: false };
        }
        if (this._done) return DONE;
      }
    } catch (error) {
      this.#finish();
      throw error;
    } finally {
      this._pulling = false;
      this._busy = null;
    }
  }

  #open(): Iterator<In> | AsyncIterator<In> {
    const source = this._source;
    if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
    this._sync = true;
    return source[Symbol.iterator]();
  }

  #end(): Out[] {
    this._done = true;
    return this._flush();
  }

  #finish(): void {
    this._done = true;
    this._buffer = NONE;
    this._index = 0;
  }
}

export { NONE };
