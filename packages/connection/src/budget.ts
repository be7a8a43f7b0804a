/**
 * Fairness for loops that never wait. `await conn.write(x)` resolves at once
 * while the socket takes data, and a read served from a full queue resolves
 * at once too; a loop of such awaits runs on microtasks alone, so without a
 * limit it starves timers, signal handlers and every other connection. Like
 * tokio's cooperative budget, each connection may complete a number of
 * operations without waiting; when they are spent, the next one resolves
 * after the event loop has run once (a macrotask), and the budget is whole
 * again. A real wait (for the peer, for a drain) refills it too.
 */

/**
 * Operations a connection completes without waiting before it lets the event loop run (tokio's budget is 128 of
 * its heavier operations).
 *
 * @internal
 */
export const OPERATIONS_PER_TURN = 512;

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

/**
 * One connection's (or socket's) budget of operations that complete without
 * waiting, for transports whose operations can complete on microtasks alone
 * (a Node `dgram` send calls back without a turn of the event loop). Count
 * each such operation with {@link Budget.spend}; when it says the budget is
 * spent, resolve through {@link Budget.afterYield}, so that a loop awaiting
 * them lets timers and other I/O run every 512 operations. Connections keep
 * their own: a transport under a `Connection` needs none.
 *
 * @example A send whose callback may come without a turn of the event loop
 * ```ts
 * const budget = new Budget();
 * function send(bytes: Uint8Array): Promise<void> {
 *   return new Promise((resolve, reject) =>
 *     socket.send(bytes, (error) => (error ? reject(error) : resolve(budget.spend() ? Budget.afterYield(undefined) : undefined))),
 *   );
 * }
 * ```
 */
export class Budget {
  #left = OPERATIONS_PER_TURN;

  /**
   * Counts one operation that completed without waiting. True when the budget
   * is spent (and whole again): the caller resolves through {@link Budget.afterYield} instead of at once.
   */
  spend(): boolean {
    if (--this.#left > 0) return false;
    this.#left = OPERATIONS_PER_TURN;
    return true;
  }

  /** The operation waited (for the peer, for a drain): the event loop ran meanwhile, and the budget is whole. */
  refill(): void {
    this.#left = OPERATIONS_PER_TURN;
  }

  /** Resolves with `value` once the event loop has run timers and other I/O (`setImmediate`, or a message in browsers). */
  static afterYield<T>(value: T): Promise<T> {
    return new Promise((resolve) => afterTurn(() => resolve(value)));
  }
}
