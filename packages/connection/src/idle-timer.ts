/**
 * An idle timeout for a transport with no timer of its own (a WebSocket, a
 * transport of yours): `onIdle` runs once `ms` pass with no `touch()`. What
 * a {@link Transport}'s `setIdleTimeout` needs: the transport calls `set()`
 * from it, `touch()` on every read and write, and `cancel()` once closed. The
 * timer never keeps a process alive on its own (it is unref'd where the
 * platform can). Node sockets use Node's own (`socket.setTimeout`).
 *
 * @example
 * ```ts
 * readonly #idle = new IdleTimer();
 * setIdleTimeout(ms: number, onIdle: () => void): void {
 *   this.#idle.set(ms, onIdle);
 * }
 * #onMessage = (chunk: Uint8Array) => {
 *   this.#idle.touch();
 *   this.#events?.data(chunk);
 * };
 * ```
 */
export class IdleTimer {
  #idle: { ms: number; onIdle: () => void } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Waits `ms` from now, then calls `onIdle`; `0` turns the timeout off. */
  set(ms: number, onIdle: () => void): void {
    clearTimeout(this.#timer);
    this.#idle = ms > 0 ? { ms, onIdle } : undefined;
    this.touch();
  }

  /** Something was read or written: the wait starts again (if a timeout is set). */
  touch(): void {
    const idle = this.#idle;
    if (idle === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(idle.onIdle, idle.ms);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Stops the current wait (a later `touch()` starts another). */
  cancel(): void {
    clearTimeout(this.#timer);
  }
}
