import { type TakeNow, takeNow } from '@sluice/core';
import type { FrameReader } from './frame-reader.js';
import { DONE } from './settle.js';

/**
 * The iterator of `for await (const frame of io)`: its methods on the
 * prototype, so a connection waiting on its next frame holds no closures
 * for it.
 *
 * @internal
 */
export class FrameIterator<T> implements AsyncIterator<T, undefined>, TakeNow<T> {
  readonly #reader: FrameReader<T>;
  readonly #signal: AbortSignal | undefined;
  /** Closes the connection when the loop is left early; `undefined` with `keepOpen`. */
  readonly #close: { close(): Promise<void> } | undefined;

  constructor(reader: FrameReader<T>, signal: AbortSignal | undefined, close: { close(): Promise<void> } | undefined) {
    this.#reader = reader;
    this.#signal = signal;
    this.#close = close;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    return this.#reader.next(this.#signal);
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    await this.#close?.close();
    return DONE;
  }

  [takeNow](): IteratorResult<T, undefined> | undefined {
    return this.#reader.now();
  }
}
