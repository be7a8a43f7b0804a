/**
 * Watches for what would end the process: an `uncaughtException` or an
 * `unhandledRejection` while installed is recorded instead, and so is every
 * `console.error` call (how Sluice reports a callback that threw where nobody
 * waits). For tests that a throwing callback, or an error after teardown, is
 * contained.
 */
export class ProcessGuard {
  /** What reached the process's last-resort handlers: each should have been contained. */
  readonly crashes: string[] = [];
  /** The arguments of each `console.error` call. */
  readonly reported: unknown[][] = [];

  readonly #original = console.error;
  readonly #onException = (error: unknown) => this.crashes.push(`uncaughtException: ${describe(error)}`);
  readonly #onRejection = (error: unknown) => this.crashes.push(`unhandledRejection: ${describe(error)}`);

  constructor() {
    process.on('uncaughtException', this.#onException);
    process.on('unhandledRejection', this.#onRejection);
    console.error = (...args: unknown[]) => void this.reported.push(args);
  }

  /**
   * Lets what was already scheduled run (next ticks, I/O callbacks, timers of
   * 0 ms that rethrow an error), then uninstalls; returns `crashes`.
   */
  async stop(): Promise<string[]> {
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    await turn();
    await turn();
    await new Promise((resolve) => setTimeout(resolve, 1)); // after any timer of 0 ms set before it
    await turn();
    process.off('uncaughtException', this.#onException);
    process.off('unhandledRejection', this.#onRejection);
    console.error = this.#original;
    return this.crashes;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return code === undefined ? error.message : `${String(code)}: ${error.message}`;
}
