/**
 * Frames written one at a time, each once the last was taken, for a writer
 * with many callers at once (`requester()`, `respond()`): their writes never
 * add up past the connection's `writeCapacity`, however many are in flight.
 * After each write, `written(item)` or `failed(item, error)` is told.
 *
 * @internal
 */
export class WritesInTurn<TFrame, TItem> {
  readonly #io: { write(frame: TFrame): Promise<void> };
  readonly #written: (item: TItem) => void;
  readonly #failed: (item: TItem, error: unknown) => void;
  /** Frames not yet written, oldest first, each with what the caller is told about. */
  readonly #queue: { frame: TFrame; item: TItem }[] = [];
  #writing = false;

  constructor(
    io: { write(frame: TFrame): Promise<void> },
    written: (item: TItem) => void,
    failed: (item: TItem, error: unknown) => void,
  ) {
    this.#io = io;
    this.#written = written;
    this.#failed = failed;
  }

  /** Writes `frame` after those pushed before it. */
  push(frame: TFrame, item: TItem): void {
    this.#queue.push({ frame, item });
    if (!this.#writing) void this.#writeAll();
  }

  async #writeAll(): Promise<void> {
    this.#writing = true;
    for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
      try {
        await this.#io.write(next.frame);
      } catch (error) {
        this.#failed(next.item, error);
        continue;
      }
      this.#written(next.item);
    }
    this.#writing = false;
  }
}
