/**
 * When `sluice connect` over WebSocket may close after stdin has ended.
 *
 * A WebSocket has no half-close: its close frame ends both directions, and
 * the peer drops whatever it had yet to send (an echo server's last
 * replies). So once stdin has ended, the CLI keeps reading until the peer
 * has been quiet for a while, and only then closes; as `nc -q` does.
 */
export class Linger {
  readonly #ms: number | undefined;
  readonly #bytesIn: () => number;
  /** True while the read loop waits for a frame; false while it prints one (stdout's pace is not the peer's). */
  #waiting = true;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #seen = 0;
  #done: (() => void) | undefined;

  /**
   * @param ms How long the peer must be quiet; `undefined`: wait until it closes.
   * @param bytesIn The bytes received so far: a frame still arriving keeps the wait going.
   */
  constructor(ms: number | undefined, bytesIn: () => number) {
    this.#ms = ms;
    this.#bytesIn = bytesIn;
  }

  /** The read loop got a frame: the clock stops while it is printed. */
  received(): void {
    this.#waiting = false;
    clearTimeout(this.#timer);
  }

  /** The read loop waits for the next frame: the clock runs again, from zero. */
  reading(): void {
    this.#waiting = true;
    this.#arm();
  }

  /** Resolves once the peer has sent nothing for the linger time while it was waited for, or `signal` aborts. */
  quiet(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(this.#timer);
        this.#done = undefined;
        signal.removeEventListener('abort', done);
        resolve();
      };
      if (signal.aborted) return done();
      signal.addEventListener('abort', done, { once: true });
      this.#done = done;
      this.#arm();
    });
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (this.#done === undefined || !this.#waiting || this.#ms === undefined) return;
    this.#seen = this.#bytesIn();
    this.#timer = setTimeout(this.#check, this.#ms);
  }

  #check = (): void => {
    if (this.#bytesIn() !== this.#seen) return this.#arm(); // part of a frame came in
    this.#done?.();
  };
}
