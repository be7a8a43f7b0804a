import type { Framed } from '@sluice/connection';
import { type Channel, channel } from '@sluice/core';
import type { PushOverflowPolicy } from '../push-overflow-policy.js';
import type { LastEncode } from './measuring-codec.js';

/**
 * Bytes handed to the socket whose acceptance is not yet confirmed, past
 * which frames queue instead: Node's default socket high-water mark. A
 * `Connection.write()` resolves at once while the socket is below its
 * high-water mark, so this bounds what a synchronous burst can push past a
 * full socket before the queue takes over.
 */
const WINDOW = 16 * 1024;
const noop = (): void => {};

/**
 * @internal The outgoing side of one connection: frames given to `next()`
 * go straight into the socket while it accepts them, and otherwise wait in a
 * bounded core `channel` (before the connection is up, while the socket is
 * full) whose overflow policy is the subject's. A pump writes the waiting
 * frames, in order, as the socket drains.
 */
export class Outbox<T> {
  /** Told once when the outbox cannot go on: an overflow under `'error'`, a frame that cannot be encoded, a failed write. */
  onFail: (error: unknown) => void = noop;
  /** True once `complete()` was called: the connection is half-closed after the flush. */
  completed = false;

  readonly #channel: Channel<T>;
  #framed: Framed<unknown, T> | undefined;
  #last: LastEncode = { size: 0, error: undefined };
  #iterator: AsyncIterator<T> | undefined;
  #pumped: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;
  /** Bytes written so far, and how many of them the socket has confirmed. */
  #sent = 0;
  #acked = 0;
  #lastWrite: Promise<void> | undefined;
  #watching = false;
  /** The pump has taken a frame from the channel and not written it yet. */
  #inTransit = false;
  /** Wakes the pump: a frame was queued, the window opened, or the queue ended. */
  #wake: (() => void) | undefined;
  /** Flushing for a close: write what is left without waiting for the peer. */
  #urgent = false;

  constructor(capacity: number, overflow: PushOverflowPolicy) {
    this.#channel = channel<T>({ capacity, overflow });
  }

  /** Sends `frame` now if the socket accepts it and nothing waits, otherwise queues it under the policy. */
  offer(frame: T): void {
    if (this.#failure !== undefined) return;
    const channel = this.#channel;
    if (
      this.#framed !== undefined &&
      channel.size === 0 &&
      !this.#inTransit &&
      channel.writable &&
      this.#sent - this.#acked < WINDOW
    ) {
      this.#send(frame);
      return;
    }
    try {
      channel.offer(frame);
    } catch (error) {
      this.#fail(error); // 'error' policy: the channel has failed with the OverflowError
      return;
    }
    this.#wakePump();
  }

  /** No more frames: the pump flushes what waits, then the owner half-closes. */
  complete(): void {
    this.completed = true;
    this.#channel.end();
    this.#wakePump();
  }

  /** Starts writing into `framed`; resolves once the queue has ended and been written out. */
  attach(framed: Framed<unknown, T>, last: LastEncode): Promise<void> {
    this.#framed = framed;
    this.#last = last;
    return (this.#pumped = this.#pump());
  }

  /** Ends the queue and writes what is left without waiting for the peer; resolves when written. */
  finish(): Promise<void> {
    this.#urgent = true;
    this.#channel.end();
    this.#wakePump();
    return this.#pumped ?? Promise.resolve();
  }

  /** Drops everything queued; nothing more is sent. */
  discard(): void {
    this.#failure ??= { error: undefined };
    this.#stop();
  }

  /**
   * Writes the queued frames in order. It pulls from the channel only when a
   * frame is buffered and the socket accepts data, so a frame never goes
   * from `offer()` straight to a waiting pull: every waiting frame counts
   * against the channel's capacity.
   */
  async #pump(): Promise<void> {
    const channel = this.#channel;
    const iterator = (this.#iterator = channel[Symbol.asyncIterator]());
    try {
      for (;;) {
        if (this.#failure !== undefined) return;
        const idle = channel.size === 0 && channel.writable;
        if (idle || (!this.#urgent && this.#sent - this.#acked >= WINDOW)) {
          await new Promise<void>((resolve) => (this.#wake = resolve));
          continue;
        }
        this.#inTransit = true;
        const result = await iterator.next(); // a buffered frame, or the end
        this.#inTransit = false;
        if (result.done === true || this.#failure !== undefined) return;
        this.#send(result.value);
      }
    } catch {
      // The channel failed on overflow; onFail has been told.
    }
  }

  #send(frame: T): void {
    const last = this.#last;
    const written = (this.#framed as Framed<unknown, T>).write(frame);
    if (last.error !== undefined) {
      const error = last.error;
      last.error = undefined;
      written.catch(noop);
      this.#fail(error);
      return;
    }
    this.#sent += last.size;
    // Writes share promises (the resolved one, one per drain): watch each promise once.
    if (written !== this.#lastWrite) written.then(undefined, this.#onWriteError);
    this.#lastWrite = written;
    if (!this.#watching) this.#watch(written);
  }

  /** Waits for `write` to settle: every write before it has then settled too. */
  #watch(write: Promise<void>): void {
    this.#watching = true;
    const mark = this.#sent;
    write.then(() => {
      this.#watching = false;
      this.#acked = mark;
      if (this.#sent > mark) this.#watch(this.#lastWrite as Promise<void>);
      if (this.#sent - this.#acked < WINDOW) this.#wakePump();
    }, noop);
  }

  readonly #onWriteError = (error: unknown): void => {
    this.#watching = false;
    this.#fail(error);
  };

  #wakePump(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = { error };
    this.#stop();
    this.onFail(error);
  }

  #stop(): void {
    if (this.#iterator !== undefined) void this.#iterator.return?.()?.catch(noop);
    else this.#channel.end();
    this.#wakePump();
  }
}
