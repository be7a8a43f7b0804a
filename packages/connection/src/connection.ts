import type { Codec } from '@sluice/codec';
import { type AbortOptions, checkOption } from '@sluice/core';
import type { SocketAddress } from './address.js';
import type { ConnectionCounters } from './connection-counters.js';
import type { ConnectionOptions } from './connection-options.js';
import { channels, hasSubscribers, publish } from './diagnostics.js';
import { type CloseTimeoutError, IdleTimeoutError } from './errors.js';
import { Framed } from './framed.js';
import { chunksOf, readableOf, writableOf } from './internal/chunk-streams.js';
import { type CloseReason, checkCloseArguments } from './internal/close-arguments.js';
import { publishClose, runCloseHook } from './internal/close-hooks.js';
import { startCloseTimer } from './internal/close-timer.js';
import { ConnectionEvents, reactWith } from './internal/connection-events.js';
import { ConnectionFramedHost, type FramedHost } from './internal/framed-host.js';
import { checkReadOptions, noLimitAsZero } from './internal/option-keys.js';
import { ReadQueue } from './internal/read-queue.js';
import { type Deferred, deferred } from './internal/settle.js';
import { WritePath } from './internal/write-path.js';
import type { ReadOptions } from './read-options.js';
import { shed } from './shed.js';
import type { Transport } from './transport.js';

const DEFAULT_READ_CAPACITY = 64 * 1024;
const DEFAULT_WRITE_CAPACITY = 4 * 1024 * 1024;
const DEFAULT_CLOSE_TIMEOUT = 2000;

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

  readonly #transport: Transport<Raw>;
  readonly #source: ReadQueue;
  readonly #writes: WritePath;
  readonly #closeTimeout: number;
  readonly #frameTimeout: number;
  readonly #frames = { in: 0, out: 0 };
  /** What this connection's `Framed` readers and writers may use of it (made by the first `framed()`). */
  #framedHost: FramedHost | undefined;
  #error: Error | undefined;
  /** Settles `closed` once the transport has closed (or the connection was handed back); made when first asked for. */
  #whenClosed: Deferred<void> | undefined;
  /** What `close()` returns, once called. */
  #closing: Promise<void> | undefined;
  /** `unwrap()` handed the transport back: it is no longer this connection's. */
  #unwrapped = false;
  /** The transport has closed (or the connection was handed back). */
  #isClosed = false;

  /** @internal Use `connect()`, `listen()`, `fromNodeSocket()` or a transport's own function. */
  constructor(transport: Transport<Raw>, options: ConnectionOptions = {}) {
    this.#transport = transport;
    this.#source = new ReadQueue(transport, options.readCapacity ?? DEFAULT_READ_CAPACITY, transport.readableEnded);
    this.#writes = new WritePath(transport, this.#source.budget, this, options.writeCapacity ?? DEFAULT_WRITE_CAPACITY);
    this.#closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    this.#frameTimeout = noLimitAsZero(options.frameTimeout ?? 0);
    this.remoteAddress = transport.remoteAddress;
    this.localAddress = transport.localAddress;
    transport.open(new ConnectionEvents(this, this.#source, this.#writes));
    if (hasSubscribers(channels.open)) {
      publish(channels.open, { connection: this, protocol: transport.protocol ?? 'unknown', side: transport.side });
    }
    if (transport.closed) this.#onClose();
    const idleTimeout = noLimitAsZero(options.idleTimeout ?? 0);
    if (idleTimeout > 0) transport.setIdleTimeout(idleTimeout, () => shed(this, new IdleTimeoutError(idleTimeout)));
  }

  /** Resolves once the connection is fully closed (it never rejects): `await conn.closed`. */
  get closed(): Promise<void> {
    if (this.#whenClosed === undefined) {
      this.#whenClosed = deferred(); // on first use: an idle connection nobody awaits holds no promise for it
      if (this.#isClosed) this.#whenClosed.resolve();
    }
    return this.#whenClosed.promise;
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
   * lets the event loop run every 4,096 writes (timers, other connections).
   *
   * A `signal` already aborted rejects with an `AbortError` and sends
   * nothing. If it aborts while waiting, the promise rejects with an
   * `AbortError`; the data itself is already queued and will still be sent.
   * Anything but bytes or a string rejects with `ERR_INVALID_ARG`, and the
   * connection carries on. Writes made while earlier ones wait for the drain
   * may hold `writeCapacity` bytes: past it the connection fails (`ERR_OVERFLOW`).
   *
   * @example
   * ```ts
   * for (const frame of frames) await conn.write(frame);
   * ```
   */
  write(data: Uint8Array | string, options?: AbortOptions): Promise<void> {
    return this.#writes.write(data, options);
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
    return this.#writes.end(undefined);
  }

  /**
   * Ends gracefully: sends FIN after what was written, discards what still
   * arrives, and destroys the socket once the peer has finished too or after
   * `closeTimeout`. Resolves once the socket is closed; rejects with
   * `ERR_CLOSE_TIMEOUT` if the timeout cut off data not yet sent (the peer
   * then sees a reset, not a clean end).
   *
   * On a transport whose close carries a code (a WebSocket), `code` and
   * `reason` are sent with it, within that transport's rules (WebSocket:
   * 1000 or an application code from 3000 to 4999, and at most 123 bytes of
   * reason). Other transports ignore them, and so does a connection whose
   * `closeWrite()` already sent its close.
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
    const transport = this.#transport;
    let closeReason: CloseReason | undefined;
    if (code !== undefined || reason !== undefined) {
      try {
        checkCloseArguments(code, reason);
        closeReason = transport.closeReason?.(code, reason);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (transport.destroyed) return (this.#closing = this.closed);
    this.#source.discard();
    this.#writes.end(closeReason).catch(() => {});
    let cutOff: CloseTimeoutError | undefined;
    const cancelTimer = startCloseTimer(transport, this.#closeTimeout, (error) => {
      cutOff = error;
      this.#error ??= error;
    });
    this.#closing = this.closed.then(() => {
      cancelTimer();
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
    checkReadOptions('framed()', options);
    const frameTimeout = noLimitAsZero(options?.frameTimeout ?? this.#frameTimeout);
    this.#framedHost ??= new ConnectionFramedHost(this, this.#source, this.#writes, this.#frames);
    return new Framed(this, this.#framedHost, codec, { ...options, frameTimeout });
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
    checkReadOptions('reader()', options);
    return chunksOf(this.#source, () => this.close(), options?.signal, options?.keepOpen ?? false);
  }

  /**
   * Iterates incoming chunks. Leaving the loop early (`break`, `return`, a
   * throw) closes the connection.
   */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array, undefined> {
    return chunksOf(this.#source, () => this.close(), undefined, false)[Symbol.asyncIterator]();
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
    return readableOf(this.#source, () => this.close());
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
    return writableOf(this);
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
    this.#writes.closed(true); // writers still waiting for a drain are told the connection is gone
    this.#onClose();
    return this.#transport.release(unread);
  }

  // How ConnectionEvents (one object per connection, its methods shared) reaches these private reactions.
  static {
    reactWith({ failed: (conn, error) => conn.#onError(error), closed: (conn) => conn.#onClose() });
  }

  #onError(error: Error): void {
    if (this.#error === undefined) this.#error = error;
    this.#source.fail(this.#error);
  }

  #onClose(): void {
    this.#source.end();
    this.#writes.closed();
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#whenClosed?.resolve();
    runCloseHook(this); // a listener's counters, before subscribers read them
    if (hasSubscribers(channels.close)) publishClose(this, this.#transport, this.#error);
  }
}
