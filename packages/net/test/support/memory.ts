/**
 * Memory measurements that mean something: the engine's `gc()` (enabled at
 * run time, since test workers do not start with --expose-gc), so that a
 * sample counts what is still referenced rather than garbage not yet
 * collected.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFunction: (() => void) | undefined;

/** Runs a full garbage collection. */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
}

/** Largest growth seen, after a collection, of `rss`, `heapUsed` and `arrayBuffers` over a starting point. */
export class MemoryPeak {
  readonly #start: NodeJS.MemoryUsage;
  rss = 0;
  heapUsed = 0;
  arrayBuffers = 0;

  private constructor(start: NodeJS.MemoryUsage) {
    this.#start = start;
  }

  /** Starts measuring from the memory in use now, once garbage is collected. */
  static async start(): Promise<MemoryPeak> {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    return new MemoryPeak(process.memoryUsage());
  }

  /**
   * Collects garbage, then records the growth since the start. Buffers'
   * memory is released off the main thread after a collection, so it
   * collects, lets one timer turn pass, and collects again.
   */
  async sample(): Promise<void> {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    const now = process.memoryUsage();
    this.rss = Math.max(this.rss, now.rss - this.#start.rss);
    this.heapUsed = Math.max(this.heapUsed, now.heapUsed - this.#start.heapUsed);
    this.arrayBuffers = Math.max(this.arrayBuffers, now.arrayBuffers - this.#start.arrayBuffers);
  }

  /** The peaks in MiB, for a log line. */
  toString(): string {
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
    return `rss +${mib(this.rss)}, heapUsed +${mib(this.heapUsed)}, arrayBuffers +${mib(this.arrayBuffers)}`;
  }
}
