import type { SocketAddress } from './address.js';
import type { ConnectionSide } from './diagnostics.js';

/**
 * What a {@link Transport} tells the connection on top of it. The transport
 * calls these as things happen, as methods of the object it was given
 * (`events.data(chunk)`, never a detached `events.data`); `close` comes
 * last, once.
 */
export interface TransportEvents {
  /** Bytes arrived. */
  data(chunk: Uint8Array): void;
  /** The peer finished sending (a FIN, a close frame). */
  end(): void;
  /** The transport failed; `close` follows. */
  error(error: Error): void;
  /** The write buffer went back below its bound: writers may go on. */
  drain(): void;
  /** Everything written before `end()` has been handed over. */
  finish(): void;
  /** Fully closed: nothing more will happen. */
  close(): void;
}

/**
 * What carries a connection's bytes: a Node socket (TCP, TLS, IPC), a
 * WebSocket, or your own. A `Connection` does the rest on top of it (pull
 * reading with a bounded queue, awaitable writes, half-close, bounded close,
 * framing, counters), the same way for every transport, as tokio's
 * `Framed<T: AsyncRead + AsyncWrite>` does. `Raw` is what `unwrap()` gives
 * back.
 *
 * Contract:
 * - Nothing is read before `open(events)`, which starts paused: data flows
 *   between `resume()` and `pause()`.
 * - `write(bytes)` takes the bytes (it may gather small writes) and returns
 *   false once its buffer is over its bound; `events.drain` follows when it
 *   is below again. Once it returns true, or once `events.drain` follows a
 *   false, the caller may reuse `bytes`: a transport that keeps a reference
 *   to them (instead of a copy) returns false until it has sent them.
 * - `end()` sends what was written, then ends this side (half-close where the
 *   transport has it); `events.finish` follows. `destroy()` ends at once;
 *   `reset()` ends at once telling the peer it was cut off (TCP's RST).
 *
 * @example A transport's skeleton
 * ```ts
 * const transport: Transport<MySocket> = {
 *   open(events) { sock.onmessage = (m) => events.data(m.bytes); sock.onclose = () => events.close(); },
 *   write: (bytes) => sock.send(bytes),
 *   // …
 * };
 * ```
 */
export interface Transport<Raw = unknown> {
  /** A short name for diagnostics and metrics: `'tcp'`, `'tls'`, `'ipc'`, `'ws'`, `'wss'`, … */
  readonly protocol?: string | undefined;
  /** Whether this end accepted the connection (`'server'`) or made it (`'client'`), where known. */
  readonly side?: ConnectionSide | undefined;
  /** Where the peer is, if known. */
  readonly remoteAddress: SocketAddress | undefined;
  /** Where this end is, if known. */
  readonly localAddress: SocketAddress | undefined;
  /** Bytes received so far. */
  readonly bytesIn: number;
  /** Bytes handed over to be sent so far. */
  readonly bytesOut: number;
  /** Bytes written but not yet sent. */
  readonly unsentBytes: number;
  /** True once closed or destroyed. */
  readonly destroyed: boolean;
  /** True once fully closed (`events.close` has happened or will not come). */
  readonly closed: boolean;
  /** True if the peer's end has been read already (no `events.end` will come). */
  readonly readableEnded: boolean;
  /** True once `end()` has been called. */
  readonly writableEnded: boolean;
  /** True once everything written before `end()` has been sent. */
  readonly writableFinished: boolean;

  /** Starts delivering events, paused for reading. Called once. */
  open(events: TransportEvents): void;
  /** Stops delivering data until `resume()`. */
  pause(): void;
  /** Delivers data again. */
  resume(): void;
  /**
   * Takes `bytes`; returns false when the caller should wait for
   * `events.drain`. `text`: the bytes are UTF-8 text from a text codec, for
   * transports whose messages are typed (a WebSocket text message).
   */
  write(bytes: Uint8Array, text?: boolean): boolean;
  /**
   * Sends what was written, then ends this side; `close`, when given, is
   * the code and reason to send where the transport has them (WebSocket).
   */
  end(close?: { readonly code: number; readonly reason: string }): void;
  /**
   * Checks the code and reason given to `close(code, reason)` against this
   * transport's rules and returns what `end()` is to send; throws a coded
   * error for one it cannot send. A transport without close codes leaves it
   * out, and `close()` then ignores them.
   */
  closeReason?(
    code: number | undefined,
    reason: string | undefined,
  ): {
    /** The close code to send. */
    readonly code: number;
    /** The close reason to send. */
    readonly reason: string;
  };
  /** Ends at once; with an `error`, `events.error` reports it. */
  destroy(error?: Error): void;
  /** Ends at once, telling the peer the stream was cut off where the transport can. */
  reset(error: Error): void;
  /** Calls `onIdle` after `ms` with nothing read or written; `0` turns it off. */
  setIdleTimeout(ms: number, onIdle: () => void): void;
  /**
   * Stops delivering events and gives back the underlying object, with
   * `unread` (bytes received but not read) put back in front of its input.
   */
  release(unread: Uint8Array[]): Raw;
}
