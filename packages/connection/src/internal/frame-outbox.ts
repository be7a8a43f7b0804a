import { type Codec, EncodeError, type Encoder } from '@sluice/codec';
import { AbortError, type AbortOptions, ClosedError, OverflowError, type OverflowPolicy } from '@sluice/core';
import type { Framed } from '../framed.js';
import { kindOf } from './kind-of.js';
import { hasUnknownKeys, rejectUnknownKeys } from './option-keys.js';
import { RESOLVED } from './settle.js';

interface Entry<T> {
  readonly frame: T;
  /** Its encoded size in bytes. */
  readonly size: number;
}

interface Waiter<T> extends Entry<T> {
  admit(): void;
  reject(error: unknown): void;
}

/**
 * @internal The frames of a reconnecting client: written straight to the
 * open session, or kept, bounded in encoded bytes under an overflow policy,
 * until the next session takes them (`flush`). A frame leaves the outbox
 * when it is handed to a session; nothing is kept for a session that dies.
 */
export class FrameOutbox<T> {
  readonly #encoder: Encoder<T>;
  readonly #capacity: number;
  readonly #overflow: OverflowPolicy;
  readonly #queue: Entry<T>[] = [];
  /** Writes waiting for room (policy `'wait'`), oldest first. */
  readonly #waiters: Waiter<T>[] = [];
  #size = 0;
  #dropped = 0;
  #session: Framed<unknown, T> | undefined;
  #closed = false;

  constructor(codec: Codec<unknown, T>, capacity: number, overflow: OverflowPolicy) {
    this.#encoder = codec.encoder();
    this.#capacity = capacity;
    this.#overflow = overflow;
  }

  /** Bytes of frames waiting. */
  get size(): number {
    return this.#size;
  }

  /** Frames the drop policies dropped. */
  get dropped(): number {
    return this.#dropped;
  }

  write(frame: T, options?: AbortOptions): Promise<void> {
    if (options !== undefined && hasUnknownKeys(options)) return rejectUnknownKeys('write()', options);
    const signal = options?.signal;
    if (signal?.aborted === true) return Promise.reject(new AbortError(signal.reason));
    if (this.#closed) return Promise.reject(new ClosedError('reconnecting(): write() after the client ended'));
    const session = this.#session;
    if (session !== undefined && !session.connection.destroyed) return session.write(frame, options);
    let size: number;
    try {
      const bytes: unknown = this.#encoder.encode(frame);
      if (!(bytes instanceof Uint8Array))
        throw new EncodeError(`The codec's encoder returned ${kindOf(bytes)}, not a Uint8Array`);
      size = bytes.byteLength;
    } catch (error) {
      return Promise.reject(error);
    }
    if (size > this.#capacity) return Promise.reject(new OverflowError(this.#capacity, 'outbox'));
    if (this.#waiters.length === 0 && this.#size + size <= this.#capacity) {
      this.#push({ frame, size });
      return RESOLVED;
    }
    switch (this.#overflow) {
      case 'error':
        return Promise.reject(new OverflowError(this.#capacity, 'outbox'));
      case 'drop-newest':
        this.#dropped++;
        return RESOLVED;
      case 'drop-oldest':
        while (this.#size + size > this.#capacity) this.#shift();
        this.#push({ frame, size });
        return RESOLVED;
      default:
        return this.#wait(frame, size, signal);
    }
  }

  /**
   * Hands every waiting frame to `io`, oldest first, then makes it the open
   * session. Resolves false if a write failed (the session died: the frames
   * handed to it are lost) or the client ended.
   */
  async flush(io: Framed<unknown, T>): Promise<boolean> {
    for (;;) {
      const entry = this.#shift(false);
      if (entry === undefined) break;
      try {
        await io.write(entry.frame);
      } catch {
        return false;
      }
      if (this.#closed) return false;
    }
    if (io.connection.destroyed) return false;
    this.#session = io;
    return true;
  }

  /** The session `io` was is no longer open: frames wait again. */
  leave(io: Framed<unknown, T> | undefined): void {
    if (this.#session === io) this.#session = undefined;
  }

  /** The client ended: what waits is dropped, waiting writes reject with `ERR_CLOSED`. */
  close(): void {
    this.#closed = true;
    this.#session = undefined;
    this.#queue.length = 0;
    this.#size = 0;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new ClosedError('reconnecting(): the client ended'));
  }

  #push(entry: Entry<T>): void {
    this.#queue.push(entry);
    this.#size += entry.size;
  }

  /** Takes the oldest frame out (dropped unless `handedOver`), letting waiting writes in. */
  #shift(dropped = true): Entry<T> | undefined {
    const entry = this.#queue.shift();
    if (entry === undefined) return undefined;
    this.#size -= entry.size;
    if (dropped) this.#dropped++;
    this.#admit();
    return entry;
  }

  #admit(): void {
    const waiters = this.#waiters;
    while (waiters.length > 0 && this.#size + (waiters[0] as Waiter<T>).size <= this.#capacity) {
      const waiter = waiters.shift() as Waiter<T>;
      this.#push(waiter);
      waiter.admit();
    }
  }

  #wait(frame: T, size: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(new AbortError(signal?.reason));
        this.#admit(); // a smaller write behind it may fit
      };
      const waiter: Waiter<T> = {
        frame,
        size,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }
}
