import { AbortError } from '@sluice/core';
import type { ReadQueue } from './read-queue.js';
import { DONE } from './settle.js';

/**
 * The ways to read a connection's chunks other than `framed()`: an async
 * iterable (`conn.reader()`, `for await (const chunk of conn)`) and a web
 * `ReadableStream`, and a web `WritableStream` into it.
 *
 * @internal
 */

/** The chunks of `source`; leaving early calls `close` unless `keepOpen`. */
export function chunksOf(
  source: ReadQueue,
  close: () => Promise<void>,
  signal: AbortSignal | undefined,
  keepOpen: boolean,
): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => source.next(signal),
      return: async () => {
        if (!keepOpen) await close();
        return DONE;
      },
    }),
  };
}

/** The chunks of `source` as a byte `ReadableStream`; cancelling it calls `close`. */
export function readableOf(source: ReadQueue, close: () => Promise<void>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        const result = await source.next();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel: () => close(),
    },
    { highWaterMark: 0 },
  );
}

/** A `WritableStream` into `connection`: closing it half-closes, aborting it destroys. */
export function writableOf(connection: {
  write(chunk: Uint8Array): Promise<void>;
  closeWrite(): Promise<void>;
  destroy(error?: Error): void;
}): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    write: (chunk) => connection.write(chunk),
    close: () => connection.closeWrite(),
    abort: (reason: unknown) => connection.destroy(reason instanceof Error ? reason : new AbortError(reason)),
  });
}
