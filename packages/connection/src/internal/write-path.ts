import { encodeUtf8 } from '@sluice/codec';
import { AbortError, type AbortOptions, ClosedError, InvalidArgumentError, OverflowError } from '@sluice/core';
import type { Connection } from '../connection.js';
import { shed } from '../shed.js';
import type { Transport } from '../transport.js';
import { afterYield, type Budget } from './budget.js';
import type { CloseReason } from './close-arguments.js';
import { kindOf } from './kind-of.js';
import { hasUnknownKeys, rejectUnknownKeys } from './option-keys.js';
import { type Deferred, deferred, RESOLVED, raceSignal } from './settle.js';

/**
 * The write side of a connection: hands bytes to the transport and makes
 * the writer wait, when the transport asks for it, until it drains; and ends
 * it (`closeWrite()`) once what was written has gone out. A write the
 * transport takes at once spends the connection's budget, so a loop of them
 * lets the event loop turn. Writes made while an earlier one still waits for
 * the drain may hold `capacity` bytes at most: one more fails the connection
 * with `ERR_OVERFLOW`, so writes nobody awaits cannot grow memory without end.
 *
 * @internal
 */
export class WritePath {
  readonly #transport: Transport<unknown>;
  readonly #budget: Budget;
  /** The connection: its `error`, if it failed, is what waiting writers get; an overflow sheds it. */
  readonly #connection: Connection;
  /** Bytes that writes made while waiting for a drain may hold (`writeCapacity`). */
  readonly #capacity: number;
  /** Bytes handed to the transport since it last asked writers to wait. */
  #waiting = 0;
  /** Settled when the transport drains (or closes) while writers wait. */
  #drain: Deferred<void> | undefined;
  /** What `end()` returns, once called: resolves when everything written before it has gone out. */
  #ended: Promise<void> | undefined;
  /** Settles `#ended` when the transport has flushed (or closed). */
  #flush: Deferred<void> | undefined;
  /** The connection was handed back (`unwrap()`): the transport is someone else's. */
  #released = false;

  constructor(transport: Transport<unknown>, budget: Budget, connection: Connection, capacity: number) {
    this.#transport = transport;
    this.#budget = budget;
    this.#connection = connection;
    this.#capacity = capacity;
  }

  /** `Connection.write()`: checks what the caller gave, then writes it. */
  write(data: unknown, options: AbortOptions | undefined): Promise<void> {
    if (!this.open) return Promise.reject(this.#closedError());
    const bytes = toBytes(data);
    if (bytes === undefined) {
      return Promise.reject(
        new InvalidArgumentError(`write(): data must be a Uint8Array or a string, got ${kindOf(data)}`),
      );
    }
    if (options !== undefined && hasUnknownKeys(options)) return rejectUnknownKeys('write()', options);
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) return Promise.reject(notASignal(signal));
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    return this.#hand(bytes, signal, false);
  }

  /** Writes an encoded frame for `Framed`; `text`: UTF-8 text, for transports with typed messages. */
  writeFrame(bytes: Uint8Array, options: AbortOptions | undefined, text: boolean): Promise<void> {
    if (!this.open) return Promise.reject(this.#closedError());
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) return Promise.reject(notASignal(signal));
    return this.#hand(bytes, signal, text);
  }

  #hand(bytes: Uint8Array, signal: AbortSignal | undefined, text: boolean): Promise<void> {
    if (this.#drain !== undefined && (this.#waiting += bytes.byteLength) > this.#capacity) return this.#overflow();
    if (this.#transport.write(bytes, text)) return this.#budget.spend() ? afterYield(undefined) : RESOLVED;
    this.#budget.refill();
    this.#drain ??= deferred();
    return raceSignal(this.#drain.promise, signal, () => new AbortError(signal?.reason));
  }

  /** Too much written while waiting for the peer: the connection fails, since a byte stream cannot skip a write. */
  #overflow(): Promise<never> {
    const limit = this.#capacity;
    const error = new OverflowError(
      limit,
      'write queue',
      `write(): over ${limit} bytes (writeCapacity) were written while earlier writes waited for the peer to read; await each write(), or raise writeCapacity`,
    );
    shed(this.#connection, error);
    return Promise.reject(error);
  }

  /** Whether a write can go out now. */
  get open(): boolean {
    const transport = this.#transport;
    return !transport.writableEnded && !transport.destroyed && !this.#released;
  }

  /**
   * Ends the write side after what was written (with `reason`, where the
   * transport sends one); resolves once all of it has gone out. Called
   * again, returns the same promise.
   */
  end(reason: CloseReason | undefined): Promise<void> {
    if (this.#ended !== undefined) return this.#ended;
    if (this.#released) return (this.#ended = RESOLVED); // the transport belongs to whoever unwrapped it
    if (this.#transport.destroyed) {
      const failure = this.#connection.error;
      return (this.#ended = failure === undefined ? RESOLVED : Promise.reject(failure));
    }
    this.#flush = deferred();
    this.#ended = this.#flush.promise;
    this.#ended.catch(() => {});
    this.#transport.end(reason);
    return this.#ended;
  }

  /** The transport drained: waiting writers are done. */
  drained(): void {
    const drain = this.#drain;
    this.#drain = undefined;
    this.#waiting = 0;
    drain?.resolve();
  }

  /** The transport flushed everything written before `end()`. */
  finished(): void {
    this.drained();
    const flush = this.#flush;
    this.#flush = undefined;
    flush?.resolve();
  }

  /**
   * The transport closed, or was handed back (`released`): writers waiting
   * for a drain are told the connection is gone, and a pending `end()`
   * settles (rejecting with the connection's error, if it failed).
   */
  closed(released = false): void {
    if (released) this.#released = true;
    const drain = this.#drain;
    this.#drain = undefined;
    if (drain !== undefined) {
      drain.promise.catch(() => {});
      drain.reject(this.#closedError());
    }
    const flush = this.#flush;
    this.#flush = undefined;
    const failure = this.#connection.error;
    if (failure === undefined) flush?.resolve();
    else flush?.reject(failure);
  }

  /** Why writing is no longer possible: the connection's error, or `ERR_CLOSED`. */
  #closedError(): Error {
    return this.#connection.error ?? new ClosedError('Cannot write: the connection is closed for writing');
  }
}

/** `data` as a `Uint8Array` (strings as UTF-8, other views over their bytes), or `undefined` if it is neither. */
function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return encodeUtf8(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

function notASignal(signal: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`write(): signal must be an AbortSignal, got ${kindOf(signal)}`);
}
