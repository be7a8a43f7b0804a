import type { AbortOptions } from '@sluice/core';
import type { Connection } from '../connection.js';
import { channels, publish } from '../diagnostics.js';
import type { FrameTimeoutError } from '../errors.js';
import { shed } from '../shed.js';
import type { ReadQueue } from './read-queue.js';
import type { WritePath } from './write-path.js';

/**
 * What a `Framed` needs from its connection, and all it may touch: the
 * incoming bytes, a way to write encoded frames, frame counters, and the two
 * ways its reading can end the connection. `Connection` hands one to each
 * `Framed` it makes.
 *
 * @internal
 */
export interface FramedHost {
  /** The connection's incoming bytes, shared by all its readers. */
  readonly source: ReadQueue;
  /** Writes one encoded frame; `text`: UTF-8 text, for transports with typed messages. */
  writeFrame(bytes: Uint8Array, options: AbortOptions | undefined, text: boolean): Promise<void>;
  /** Counts frames decoded (`'in'`) or written (`'out'`). */
  countFrames(direction: 'in' | 'out', count: number): void;
  /** The codec refused the input: publishes `error` on `frameError` and destroys the connection with it. */
  refuse(error: unknown): void;
  /** The peer took too long to complete a frame: sheds the connection. */
  shed(error: FrameTimeoutError): void;
}

/**
 * The host `connection` gives its `Framed` readers and writers: one per
 * connection, made by the first `framed()`, with its methods on the
 * prototype (no closures per connection).
 */
export class ConnectionFramedHost implements FramedHost {
  readonly source: ReadQueue;
  readonly #connection: Connection;
  readonly #writes: WritePath;
  readonly #frames: { in: number; out: number };

  constructor(connection: Connection, source: ReadQueue, writes: WritePath, frames: { in: number; out: number }) {
    this.#connection = connection;
    this.source = source;
    this.#writes = writes;
    this.#frames = frames;
  }

  writeFrame(bytes: Uint8Array, options: AbortOptions | undefined, text: boolean): Promise<void> {
    return this.#writes.writeFrame(bytes, options, text);
  }

  countFrames(direction: 'in' | 'out', count: number): void {
    this.#frames[direction] += count;
  }

  refuse(error: unknown): void {
    publish(channels.frameError, { connection: this.#connection, error: error as Error });
    this.#connection.destroy(error as Error);
  }

  shed(error: FrameTimeoutError): void {
    shed(this.#connection, error);
  }
}
