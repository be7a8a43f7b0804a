/**
 * Fairness for loops that never wait. `await conn.write(x)` resolves at once
 * while the socket takes data, and a read served from a full queue resolves
 * at once too; a loop of such awaits runs on microtasks alone, so without a
 * limit it starves timers, signal handlers and every other connection. Like
 * tokio's cooperative budget, each connection may complete a number of
 * operations without waiting; when they are spent, the next one resolves
 * after the event loop has run once (a macrotask), and the budget is whole
 * again. A real wait (for the peer, for a drain) refills it too.
 *
 * @internal
 */

/**
 * Operations a connection completes without waiting before it lets the event
 * loop run: at ~100 ns a frame, under a millisecond. (tokio's budget is 128
 * of its heavier operations.) It was 512: in the scaling bench, at 100 and
 * 1,000 connections, reads then yielded in the middle of nearly every 64 KiB
 * chunk, each holding that chunk's decoded frames across a turn, and the
 * scavenges that copied them halved the throughput; at 4,096 it is that of
 * no budget at all.
 */
export const OPERATIONS_PER_TURN = 4096;

/** Runs `callback` after the event loop has turned: `setImmediate` where there is one, else a message. */
const afterTurn: (callback: () => void) => void = (() => {
  const setImmediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof setImmediate === 'function') return (callback) => void setImmediate(callback);
  // Browsers: a message is a macrotask without setTimeout's 4 ms clamp.
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return (callback) => {
    waiting.push(callback);
    channel.port2.postMessage(null);
  };
})();

/** One connection's budget of operations that complete without waiting. */
export class Budget {
  #left = OPERATIONS_PER_TURN;

  /**
   * Counts one operation that completed without waiting. True when the budget
   * is spent: the caller resolves through {@link afterYield} instead of at once.
   */
  spend(): boolean {
    if (--this.#left > 0) return false;
    this.#left = OPERATIONS_PER_TURN;
    return true;
  }

  /**
   * `value`, for an operation that completed without waiting: resolved at
   * once, or after a turn of the event loop when this one spends the budget.
   */
  settle<T>(value: T): Promise<T> {
    return this.spend() ? afterYield(value) : Promise.resolve(value);
  }

  /** The connection waited for the peer: the event loop ran meanwhile. */
  refill(): void {
    this.#left = OPERATIONS_PER_TURN;
  }
}

/** Resolves with `value` once the event loop has run timers and other I/O. */
export function afterYield<T>(value: T): Promise<T> {
  return new Promise((resolve) => afterTurn(() => resolve(value)));
}
