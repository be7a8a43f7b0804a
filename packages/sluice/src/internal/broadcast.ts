/** `sluice listen`'s stdin: each line sent to every connected client, none of them able to hold the others up. */
import { AbortError, type Channel, channel } from '@sluice/core';
import { describe, isUnsendable } from './describe-error.js';
import type { FrameSink } from './send-stdin.js';

/** How many stdin frames may wait for one client before it is dropped (Redis drops a slow subscriber too). */
export const OUTBOX_CAPACITY = 256;

/** Where one client's stdin frames wait to be written to it. */
export interface Outbox {
  /** Writes the frames as they come, one at a time, until {@link Outbox.leave}; then what was queued, and resolves. */
  run(framed: FrameSink, signal: AbortSignal): Promise<void>;
  /** No more frames for this client (it has finished sending, or failed). */
  leave(): void;
}

interface Client {
  name: string;
  outbox: Channel<unknown>;
  drop: () => void;
}

/**
 * Stdin's frames to every connected client. `write()` waits until there is a
 * client with room in its outbox (so stdin is read at the pace of the
 * fastest client, and not at all while nobody is connected), then queues the
 * frame for each; a client whose outbox is full ({@link OUTBOX_CAPACITY}
 * frames behind) is dropped, with a line on stderr. `closeWrite()` (stdin
 * ended) leaves the clients' connections as they are.
 */
export class Broadcast implements FrameSink {
  readonly #clients = new Set<Client>();
  readonly #capacity: number;
  readonly #warn: (line: string) => void;
  #wake: (() => void) | undefined;

  constructor(warn: (line: string) => void, capacity = OUTBOX_CAPACITY) {
    this.#warn = warn;
    this.#capacity = capacity;
  }

  /** Adds a client named `name`; `drop` disconnects it if it falls too far behind. */
  join(name: string, drop: () => void): Outbox {
    const client: Client = { name, outbox: channel<unknown>({ capacity: this.#capacity }), drop };
    this.#clients.add(client);
    this.#changed();
    const leave = () => {
      this.#clients.delete(client);
      client.outbox.end();
    };
    return {
      leave,
      run: async (framed, signal) => {
        try {
          for await (const frame of client.outbox) {
            try {
              await framed.write(frame, { signal });
            } catch (error) {
              if (!isUnsendable(error)) throw error;
              this.#warn(`${name}: a stdin line could not be sent: ${describe(error)}`);
            }
            this.#changed();
          }
        } finally {
          leave();
        }
      },
    };
  }

  async write(frame: unknown, options?: { signal?: AbortSignal | undefined }): Promise<void> {
    const signal = options?.signal;
    while (![...this.#clients].some((client) => client.outbox.size < this.#capacity)) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(new AbortError(signal?.reason));
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
    for (const client of [...this.#clients]) {
      if (client.outbox.offer(frame)) continue;
      this.#clients.delete(client);
      client.outbox.end();
      this.#warn(`${client.name} dropped: ${this.#capacity} stdin lines were waiting for it (it is not reading)`);
      client.drop();
    }
  }

  /** Stdin has ended: the clients stay connected, and the listener serves on. */
  closeWrite(): Promise<void> {
    return Promise.resolve();
  }

  #changed(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
