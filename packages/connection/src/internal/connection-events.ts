import type { Connection } from '../connection.js';
import type { TransportEvents } from '../transport.js';
import type { ReadQueue } from './read-queue.js';
import type { WritePath } from './write-path.js';

/** What a connection does when its transport fails or closes; given once, by `Connection` itself. */
interface ConnectionReactions {
  failed(connection: Connection, error: Error): void;
  closed(connection: Connection): void;
}

let reactions: ConnectionReactions | undefined;

/** @internal Called once, from `Connection`'s static block: how its private reactions are reached. */
export function reactWith(given: ConnectionReactions): void {
  reactions = given;
}

/**
 * What a transport reports, passed on to its connection's read queue, write
 * path and close: one object per connection whose methods are shared, where
 * six closures (and their contexts) were made for every connection before.
 * Transports call them as methods (`events.data(chunk)`).
 *
 * @internal
 */
export class ConnectionEvents implements TransportEvents {
  readonly #connection: Connection;
  readonly #source: ReadQueue;
  readonly #writes: WritePath;

  constructor(connection: Connection, source: ReadQueue, writes: WritePath) {
    this.#connection = connection;
    this.#source = source;
    this.#writes = writes;
  }

  data(chunk: Uint8Array): void {
    this.#source.push(chunk);
  }
  end(): void {
    this.#source.end();
  }
  error(error: Error): void {
    reactions?.failed(this.#connection, error);
  }
  drain(): void {
    this.#writes.drained();
  }
  finish(): void {
    this.#writes.finished();
  }
  close(): void {
    reactions?.closed(this.#connection);
  }
}
