import { type Codec, encodeUtf8 } from '@sluice/codec';
import {
  AbortError,
  type AbortOptions,
  ClosedError,
  checkOption,
  checkOptionKeys,
  InvalidArgumentError,
} from '@sluice/core';
import type { SocketAddress } from './address.js';
import { channels, hasSubscribers, publish } from './diagnostics.js';
import { CloseTimeoutError, IdleTimeoutError } from './errors.js';
import { Framed } from './framed.js';
import { afterYield } from './internal/budget.js';
import { runCloseHook } from './internal/close-hooks.js';
import { hasUnknownKeys, noLimitAsZero, READ_OPTION_KEYS, rejectUnknownKeys } from './internal/option-keys.js';
import { ReadQueue } from './internal/read-queue.js';
import { type Deferred, DONE, deferred, RESOLVED, raceSignal } from './internal/settle.js';
import type { ReadOptions } from './read-options.js';
import type { Transport, TransportEvents } from './transport.js';

/** Options shared by every connection, accepted or dialled. */
export interface ConnectionOptions {
  /**
   * Close the connection with `ERR_IDLE_TIMEOUT` after this many milliseconds
   * with nothing read or written, up to 2^31 - 1. `0`, `Infinity` or absent: no idle timeout.
   */
  idleTimeout?: number | undefined;
  /**
   * Bytes received but not yet read that pause reading from the socket.
   * @default 65536
   */
  readCapacity?: number | undefined;
  /**
   * The default `frameTimeout` of this connection's framed readers: once a
   * frame has begun, it must be complete within this time (see `ReadOptions`).
   * Up to 2^31 - 1. `0`, `Infinity` or absent: none.
   */
  frameTimeout?: number | undefined;
  /**
   * How long `close()` waits for the peer to finish before destroying the socket, in
   * milliseconds up to 2^31 - 1; `0` destroys it at once, `Infinity` waits as long as the peer takes.
   * @default 2000
   */
  closeTimeout?: number | undefined;
}

/** Counters of what went through a connection. */
export interface ConnectionCounters {
  /** Bytes received from the peer, whether read yet or still waiting in the read queue. */
  bytesIn: number;
  /** Bytes handed to the transport to send. */
  bytesOut: number;
  /**
   * Frames decoded (received) by `framed()` readers. The decoder counts every
   * frame a chunk completes, so this can run ahead of the frames your loop
   * has read: count in the loop to know how many you consumed.
   */
  framesIn: number;
  /** Frames written through `framed()` writers. */
  framesOut: number;
}

const DEFAULT_READ_CAPACITY = 64 * 1024;
const DEFAULT_CLOSE_TIMEOUT = 2000;
const utf8 = new TextEncoder();

/**
 * A connected stream (TCP, IPC, TLS, or any {@link Transport}) as an async
 * iterable of byte chunks, with awaitable writes. `Raw` is what `unwrap()`
 * gives back: a Node `Socket` for `@sluice/net`'s connections.
 *
 * - Reading pulls: nothing is read from the socket until you ask, and at most
 *   `readCapacity` bytes wait in memory for a slow reader.
 * - `await write()` resolves once the data is accepted below the socket's
 *   high-water mark, so an awaiting writer cannot outrun a slow peer.
 * - Leaving a `for await` early closes the connection; use {@link reader} to
 *   read a while and keep the connection open.
 * - Errors (a reset, an idle timeout) reject the waiting read or write with
 *   the real error.
 *
 * @example Echo one client
 * ```ts
 * await using conn = await connect({ host: '127.0.0.1', port });
 * await conn.write('hello\n');
 * await conn.closeWrite();
 * for await (const chunk of conn) process.stdout.write(chunk);
 * ```
 */
export class Connection<Raw = unknown> implements AsyncIterable<Uint8Array>, AsyncDisposable {
  /** Where the peer is. */
  readonly remoteAddress: SocketAddress | undefined;
  /** Where this end is. */
  readonly localAddress: SocketAddress | undefined;
  /** Resolves once the connection is fully closed (it never rejects). */
  readonly closed: Promise<void>;

  readonly #transport: Transport<Raw>;
  readonly #source: ReadQueue;
  readonly #closeTimeout: number;
  readonly #frameTimeout: number;
  readonly #frames = { in: 0, out: 0 };
  readonly #closedNow: Deferred<void> = deferred();
  #error: Error | undefined;
  #drain: Deferred<void> | undefined;
  #finish: Deferred<void> | undefined;
  #finished: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #unwrapped = false;
  #reportedClose = false;

  /** @internal Use `connect()`, `listen()`, `fromNodeSocket()` or a transport's own function. */
  constructor(transport: Transport<Raw>, options: ConnectionOptions = {}) {
    this.#transport = transport;
    this.#source = new ReadQueue(transport, options.readCapacity ?? DEFAULT_READ_CAPACITY, transport.readableEnded);
    this.#closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    this.#frameTimeout = noLimitAsZero(options.frameTimeout ?? 0);
    this.remoteAddress = transport.remoteAddress;
    this.localAddress = transport.localAddress;
    this.closed = this.#closedNow.promise;
    const events: TransportEvents = {
      data: this.#source.push,
      end: () => this.#source.end(),
      error: this.#onError,
      drain: this.#onDrain,
      finish: this.#onFinish,
      close: this.#onClose,
    };
    transport.open(events);
    if (hasSubscribers(channels.open)) {
      publish(channels.open, { connection: this, protocol: transport.protocol ?? 'unknown', side: transport.side });
    }
    if (transport.closed) this.#onClose();
    const idleTimeout = noLimitAsZero(options.idleTimeout ?? 0);
    if (idleTimeout > 0) transport.setIdleTimeout(idleTimeout, () => this.shed(new IdleTimeoutError(idleTimeout)));
  }

  /**
   * The error this connection failed with (a reset, a timeout, a frame its
   * codec refused, the error given to `destroy()`), or `undefined` while it
   * has not failed. Read it once `closed` has resolved to learn why a
   * connection ended.
   *
   * @example
   * ```ts
   * await conn.closed;
   * console.log(conn.error === undefined ? 'closed cleanly' : `failed: ${(conn.error as SluiceError).code}`);
   * ```
   */
  get error(): Error | undefined {
    return this.#error;
  }

  /**
   * Destroys the connection with `error` for being too slow or silent (an
   * idle or frame timeout, a missed heartbeat), publishing it on the
   * `sluice:connection:shed` diagnostics channel first. For transports and
   * listeners that shed peers; otherwise use `destroy()`.
   *
   * @example
   * ```ts
   * if (!answeredPing) conn.shed(new IdleTimeoutError(30_000));
   * ```
   */
  shed(error: Error & { readonly code: string }): void {
    if (this.destroyed) return;
    publish(channels.shed, { connection: this, error });
    this.destroy(error);
  }

  /** Bytes and frames in and out so far. */
  get counters(): ConnectionCounters {
    return {
      bytesIn: this.#transport.bytesIn,
      bytesOut: this.#transport.bytesOut,
      framesIn: this.#frames.in,
      framesOut: this.#frames.out,
    };
  }

  /** True once the connection can neither read nor write (after `unwrap()` too). */
  get destroyed(): boolean {
    return this.#unwrapped || this.#transport.destroyed;
  }

  /**
   * Writes bytes (or a UTF-8 string). Resolves at once while the socket's
   * write buffer is below its high-water mark, otherwise when it drains.
   * Rejects with the connection's error, or `ERR_CLOSED` after `closeWrite()`.
   * Once it resolves, the bytes are taken (copied, or sent): the caller may
   * refill and reuse its buffer. A loop of writes the socket takes at once
   * lets the event loop run every 512 writes (timers, other connections).
   *
   * A `signal` already aborted rejects with an `AbortError` and sends
   * nothing. If it aborts while waiting, the promise rejects with an
   * `AbortError`; the data itself is already queued and will still be sent.
   * Anything but bytes or a string rejects with `ERR_INVALID_ARG`, and the
   * connection carries on.
   *
   * @example
   * ```ts
   * for (const frame of frames) await conn.write(frame);
   * ```
   */
  write(data: Uint8Array | string, options?: AbortOptions): Promise<void> {
    const transport = this.#transport;
    if (transport.writableEnded || transport.destroyed || this.#unwrapped) {
      return Promise.reject(this.#writeClosedError());
    }
    const bytes = toBytes(data);
    if (bytes === undefined) return Promise.reject(notBytes(data));
    if (options !== undefined && hasUnknownKeys(options)) return rejectUnknownKeys('write()', options);
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) return Promise.reject(notASignal(signal));
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    return transport.write(bytes) ? this.#written() : this.#waitForDrain(signal);
  }

  /** Writes encoded frames for `Framed`: `text` says they are text for message transports. */
  #writeEncoded(bytes: Uint8Array, options: AbortOptions | undefined, text: boolean): Promise<void> {
    const transport = this.#transport;
    if (transport.writableEnded || transport.destroyed || this.#unwrapped) {
      return Promise.reject(this.#writeClosedError());
    }
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) return Promise.reject(notASignal(signal));
    return transport.write(bytes, text) ? this.#written() : this.#waitForDrain(signal);
  }

  /** A write the transport took at once: resolved, or after a turn of the event loop once the budget is spent. */
  #written(): Promise<void> {
    return this.#source.budget.spend() ? afterYield(undefined) : RESOLVED;
  }

  /**
   * Sends FIN (half-close): no more writes, but reading goes on until the
   * peer ends. Resolves once everything written has been handed to the
   * operating system.
   *
   * @example
   * ```ts
   * await conn.write(request);
   * await conn.closeWrite();
   * for await (const chunk of conn) response.push(chunk);
   * ```
   */
  closeWrite(): Promise<void> {
    return this.#endWrite(undefined);
  }

  #endWrite(reason: CloseReason | undefined): Promise<void> {
    if (this.#finished !== undefined) return this.#finished;
    if (this.#unwrapped) return (this.#finished = RESOLVED); // the socket belongs to whoever unwrapped it
    const transport = this.#transport;
    if (transport.destroyed)
      return (this.#finished = this.#error === undefined ? RESOLVED : Promise.reject(this.#error));
    const finish = (this.#finish = deferred());
    this.#finished = finish.promise;
    this.#finished.catch(() => {});
    transport.end(reason);
    return this.#finished;
  }

  /**
   * Ends gracefully: sends FIN after what was written, discards what still
   * arrives, and destroys the socket once the peer has finished too or after
   * `closeTimeout`. Resolves once the socket is closed; rejects with
   * `ERR_CLOSE_TIMEOUT` if the timeout cut off data not yet sent (the peer
   * then sees a reset, not a clean end).
   *
   * On a transport whose close carries a code (a WebSocket), `code` and
   * `reason` are sent with it: 1000 (normal) or an application code from
   * 3000 to 4999, and at most 123 bytes of reason. Other transports ignore
   * them, and so does a connection whose `closeWrite()` already sent its
   * close (1000).
   *
   * @example
   * ```ts
   * await conn.write('bye\n');
   * await conn.close();
   * await wsConn.close(4001, 'session expired'); // a WebSocket close code and reason
   * ```
   */
  close(code?: number, reason?: string): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    if (this.#unwrapped) return (this.#closing = this.closed); // the socket belongs to whoever unwrapped it
    let closeReason: CloseReason | undefined;
    if (code !== undefined || reason !== undefined) {
      try {
        closeReason = checkCloseReason(code, reason);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const transport = this.#transport;
    if (transport.destroyed) return (this.#closing = this.closed);
    this.#source.discard();
    this.#endWrite(closeReason).catch(() => {});
    let cutOff: CloseTimeoutError | undefined;
    const timer =
      this.#closeTimeout === Number.POSITIVE_INFINITY
        ? undefined
        : setTimeout(() => {
            if (transport.writableFinished) return void transport.destroy();
            // Bytes are still unsent: tell the peer with a reset (not a clean end) and the caller with an error.
            cutOff = new CloseTimeoutError(this.#closeTimeout, transport.unsentBytes);
            this.#error ??= cutOff;
            transport.reset(cutOff);
          }, this.#closeTimeout);
    (timer as { unref?: () => void } | undefined)?.unref?.();
    this.#closing = this.closed.then(() => {
      clearTimeout(timer);
      if (cutOff !== undefined) throw cutOff;
    });
    return this.#closing;
  }

  /**
   * Ends at once. With an `error`, every waiting read and write rejects with it.
   *
   * @example
   * ```ts
   * conn.destroy(new Error('protocol violation'));
   * ```
   */
  destroy(error?: Error): void {
    if (this.#unwrapped) return; // the socket belongs to whoever unwrapped it
    if (error !== undefined && this.#error === undefined) this.#error = error;
    this.#transport.destroy(error);
  }

  /**
   * Reads this connection through `codec`: an async iterable of frames with
   * `write(frame)`, `writeAll(source)` and `byChunk()` (frames in one array per chunk).
   *
   * @example
   * ```ts
   * const io = conn.framed(lines());
   * for await (const line of io) await io.write(line.toUpperCase());
   * ```
   */
  framed<TDecoded, TEncoded = TDecoded>(
    codec: Codec<TDecoded, TEncoded>,
    options?: ReadOptions,
  ): Framed<TDecoded, TEncoded> {
    checkOption('framed(): codec', codec, 'codec', { required: true });
    checkOption('framed(): options', options, 'object');
    checkOptionKeys('framed()', options, READ_OPTION_KEYS);
    checkOption('framed(): keepOpen', options?.keepOpen, 'boolean');
    checkOption('framed(): signal', options?.signal, 'signal');
    checkOption('framed(): frameTimeout', options?.frameTimeout, 'timeout');
    const text = codec.wire === 'text';
    const write = (bytes: Uint8Array, o: AbortOptions | undefined) => this.#writeEncoded(bytes, o, text);
    const frameTimeout = noLimitAsZero(options?.frameTimeout ?? this.#frameTimeout);
    return new Framed(this, codec, this.#source, this.#frames, write, { ...options, frameTimeout });
  }

  /**
   * The incoming chunks, as iterating the connection gives them, with
   * options: a `signal` that aborts a waiting read, and `keepOpen` to leave
   * the connection open when the loop ends early (read a greeting, then
   * switch protocols).
   *
   * @example
   * ```ts
   * for await (const chunk of conn.reader({ keepOpen: true })) { if (isEndOfHeader(chunk)) break; }
   * const io = conn.framed(lengthPrefixed()); // same connection, still open
   * ```
   */
  reader(options?: ReadOptions): AsyncIterable<Uint8Array> {
    checkOption('reader(): options', options, 'object');
    checkOptionKeys('reader()', options, READ_OPTION_KEYS);
    checkOption('reader(): keepOpen', options?.keepOpen, 'boolean');
    checkOption('reader(): signal', options?.signal, 'signal');
    checkOption('reader(): frameTimeout', options?.frameTimeout, 'timeout');
    const source = this.#source;
    const signal = options?.signal;
    const keepOpen = options?.keepOpen ?? false;
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => source.next(signal),
        return: async () => {
          if (!keepOpen) await this.close();
          return DONE;
        },
      }),
    };
  }

  /**
   * Iterates incoming chunks. Leaving the loop early (`break`, `return`, a
   * throw) closes the connection.
   */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array, undefined> {
    const source = this.#source;
    return {
      next: () => source.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /** `await using conn = await connect(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * This connection as a web `ReadableStream` of bytes. Cancelling the
   * stream closes the connection.
   *
   * @example
   * ```ts
   * await conn.readable().pipeTo(fileWritable);
   * ```
   */
  readable(): ReadableStream<Uint8Array> {
    const source = this.#source;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const result = await source.next();
          if (result.done) controller.close();
          else controller.enqueue(result.value);
        },
        cancel: () => this.close(),
      },
      { highWaterMark: 0 },
    );
  }

  /**
   * A web `WritableStream` into this connection: closing the stream half-closes
   * the connection, aborting it destroys the connection.
   *
   * @example
   * ```ts
   * await someReadableStream.pipeTo(conn.writable());
   * ```
   */
  writable(): WritableStream<Uint8Array> {
    return new WritableStream<Uint8Array>({
      write: (chunk) => this.write(chunk),
      close: () => this.closeWrite(),
      abort: (reason: unknown) => this.destroy(reason instanceof Error ? reason : new AbortError(reason)),
    });
  }

  /**
   * Hands the underlying Node socket back, with any bytes received but not yet
   * read pushed back into it, neither flowing nor paused (a `'data'` listener
   * starts it, as on a fresh socket). The `Connection` is unusable afterwards,
   * and the socket is its new owner's: `closeWrite()`, `close()` and `destroy()` leave it
   * alone, and so does a `serve()` handler's end.
   *
   * @example
   * ```ts
   * const socket = conn.unwrap();
   * socket.pipe(process.stdout);
   * ```
   */
  unwrap(): Raw {
    this.#unwrapped = true;
    const unread = this.#source.detach();
    this.#onClose(); // reading is over; writers still waiting for a drain are told the connection is gone
    return this.#transport.release(unread);
  }

  /** Resolves when the socket's write buffer drains; rejects if it closes first. */
  #waitForDrain(signal?: AbortSignal): Promise<void> {
    this.#source.budget.refill();
    this.#drain ??= deferred();
    return raceSignal(this.#drain.promise, signal, () => new AbortError(signal?.reason));
  }

  #writeClosedError(): unknown {
    return this.#error ?? new ClosedError('Cannot write: the connection is closed for writing');
  }

  #onError = (error: Error): void => {
    if (this.#error === undefined) this.#error = error;
    this.#source.fail(this.#error);
  };

  #onDrain = (): void => {
    const drain = this.#drain;
    this.#drain = undefined;
    drain?.resolve();
  };

  #onFinish = (): void => {
    this.#onDrain(); // everything written was flushed: waiting writers are done
    const finish = this.#finish;
    this.#finish = undefined;
    finish?.resolve();
  };

  #onClose = (): void => {
    this.#source.end();
    const drain = this.#drain;
    this.#drain = undefined;
    if (drain !== undefined) {
      drain.promise.catch(() => {});
      drain.reject(this.#writeClosedError());
    }
    const finish = this.#finish;
    this.#finish = undefined;
    if (finish !== undefined) {
      if (this.#error === undefined) finish.resolve();
      else finish.reject(this.#error);
    }
    this.#closedNow.resolve();
    if (!this.#reportedClose) {
      this.#reportedClose = true;
      runCloseHook(this); // a listener's counters, before subscribers read them
      if (!hasSubscribers(channels.close)) return;
      const transport = this.#transport;
      publish(channels.close, {
        connection: this,
        protocol: transport.protocol ?? 'unknown',
        side: transport.side,
        error: this.#error,
        counters: this.counters,
      });
    }
  };
}

/** What a close tells the peer, where the transport can carry it. */
interface CloseReason {
  readonly code: number;
  readonly reason: string;
}

function checkCloseReason(code: number | undefined, reason: string | undefined): CloseReason {
  if (code !== 1000) checkOption('close(): code', code ?? 1000, { integer: [3000, 4999] });
  checkOption('close(): reason', reason, 'string');
  const text = reason ?? '';
  if (utf8.encode(text).byteLength > 123) {
    checkOption('close(): reason bytes', utf8.encode(text).byteLength, { integer: [0, 123] });
  }
  return { code: code ?? 1000, reason: text };
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

function notBytes(data: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`write(): data must be a Uint8Array or a string, got ${kindOf(data)}`);
}

function kindOf(value: unknown): string {
  return value === null
    ? 'null'
    : typeof value === 'object'
      ? `${/^[AEIOU]/i.test(value.constructor?.name ?? 'object') ? 'an' : 'a'} ${value.constructor?.name ?? 'object'}`
      : typeof value;
}
