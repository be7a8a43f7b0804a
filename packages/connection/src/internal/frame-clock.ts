/**
 * The clock of `frameTimeout`: once a frame has begun, the peer has this
 * long to send the rest of it.
 *
 * It times the peer, not the reader: it runs only while a read waits for the
 * rest of a frame that has begun. A reader busy with earlier frames, while
 * the rest waits unread, is not the peer's delay; nor are the waits before a
 * frame begins (that is `idleTimeout`). The time of every wait within one
 * frame adds up; a frame that completes gives the next its full allowance.
 *
 * @internal
 */
export class FrameClock {
  readonly #timeout: number;
  readonly #expire: (timeout: number) => void;
  /** A frame has begun and is not complete. */
  #partial = false;
  /** How long reads have waited on the peer for the rest of the partial frame, in ms. */
  #waited = 0;
  /** When the current wait began (`performance.now()`). */
  #waitStart = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `expire` is called with the timeout when a partial frame's allowance runs out during a wait. */
  constructor(timeout: number, expire: (timeout: number) => void) {
    this.#timeout = timeout;
    this.#expire = expire;
  }

  /** After a chunk was decoded: whether a frame is now partial, and whether the chunk completed any. */
  afterChunk(partial: boolean, completed: boolean): void {
    if (completed || !partial) this.#waited = 0; // a frame that begins now starts with a full allowance
    this.#partial = partial;
  }

  /** A read starts waiting on the peer: the clock runs if a frame is partial. */
  startWait(): void {
    if (!this.#partial) return;
    this.#waitStart = performance.now();
    this.#timer = setTimeout(() => this.#expire(this.#timeout), Math.max(0, this.#timeout - this.#waited));
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** The wait ended: what it lasted counts against the partial frame's allowance. */
  endWait(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#waited += performance.now() - this.#waitStart;
  }

  /** Reading through this clock's reader is over (the end, a failure, a hand-over). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#partial = false;
    this.#waited = 0;
  }
}
