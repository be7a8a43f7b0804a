import type { ConnectionSide, SocketAddress } from '@sluice/connection';
import { IdleTimer, type Transport, type TransportEvents } from '@sluice/connection/transport';
import type WebSocket from 'ws';
import { closeError, WebSocketCloseError } from '../errors.js';
import { handBack } from './hand-back.js';
import { MessageTransport } from './message-transport.js';

/** Bytes `ws` may buffer for sending before writers wait for it to drain. */
const WRITE_BOUND = 64 * 1024;
/**
 * What may be read past a full read queue once this side has sent its close
 * frame, so that the peer's close frame is found behind a last reply nobody
 * reads; past it, reading waits for the reader, as before the close.
 */
const CLOSING_READ_LIMIT = 1024 * 1024;
/** The largest message copied, rather than waited for, when `ws` would hold on to the caller's bytes. */
const COPY_LIMIT = 16 * 1024;

/** @internal What a WebSocket transport says of itself in diagnostics. */
export interface TransportDescription {
  protocol: 'ws' | 'wss';
  side: ConnectionSide;
}

/**
 * A WebSocket of the `ws` library as a {@link Transport}: each message's bytes
 * are a chunk; writes are messages (text for text codecs, binary otherwise).
 *
 * - Reading pauses the socket (`ws.pause()`) when the connection's queue is
 *   full, so TCP slows the peer down as it does for plain sockets.
 * - Writing: `write()` returns false once `bufferedAmount` passes 64 KiB; the
 *   send callbacks report the drain (`ws` has no drain event).
 * - A WebSocket has no half-close: `end()` sends a close frame (1000) after
 *   what was written, and reading goes on until the peer's close frame, as
 *   the closing handshake allows. So `closeWrite()` is safe: no byte written
 *   before it is lost, and the peer's last messages still arrive. Reading
 *   stays bounded then too: past a full read queue up to 1 MiB more is read
 *   to find the peer's close frame, then the socket is paused again, so a
 *   peer that ignores the close frame and keeps sending is held back by TCP,
 *   not read into memory (`close()` discards what arrives instead, and `ws`
 *   drops a peer that has not answered the close frame after 30 s).
 * - `write()` may return true (the caller goes on) only once `ws` no longer
 *   needs the caller's bytes: `ws` masks a client's frames into a copy, but
 *   sends a server's as they are, and compression reads them later. When the
 *   socket could not take a message at once, a small one is copied, and a
 *   large one is waited for (`drain` once it is sent).
 * - A close other than normal (1000, 1001, 1005) reaches readers as a
 *   `WebSocketCloseError` (`ERR_WS_CLOSED`, `ERR_WS_ABNORMAL_CLOSE`,
 *   `ERR_WS_MESSAGE_TOO_BIG`) carrying the close code and reason.
 * - `release()` (`conn.unwrap()`) keeps the messages not read, binary or text
 *   as they came, for the new owner's first `'message'` listener (see `handBack`).
 *
 * @internal
 */
export class WebSocketTransport extends MessageTransport implements Transport<WebSocket> {
  readonly #ws: WebSocket;
  #events: TransportEvents | undefined;
  readonly #idle = new IdleTimer();
  #waitingForDrain = false;
  /** Messages handed to `ws` whose send callback has not come yet. */
  #unsent = 0;
  /** Messages handed to `ws`, and those whose send callback has come (they come in order). */
  #sends = 0;
  #sent = 0;
  /** Writers wait until this many messages are sent: `ws` holds the caller's bytes of the last one until then. */
  #holdUntil = 0;
  /** A send failed: what was written did not all go out, so writing never finishes (the close says why). */
  #sendFailed = false;
  #ended = false;
  #finished = false;
  #closed = false;
  #readableEnded = false;
  /** The reader asked for no more data (the read queue is full, or nobody reads yet). */
  #readerPaused = false;
  /** Bytes read while `#readerPaused`, since this side sent its close frame. */
  #readWhileClosing = 0;
  /**
   * Whether each chunk came as a text message, so that `release()` hands it
   * back as one: the kind of the first message, and the chunks of the other
   * kind (most connections carry one kind only, and then record nothing per
   * message).
   */
  #firstWasText: boolean | undefined;
  #otherKind: WeakSet<Uint8Array> | undefined;

  constructor(ws: WebSocket, remoteAddress: SocketAddress | undefined, { protocol, side }: TransportDescription) {
    super(remoteAddress, protocol, side);
    this.#ws = ws;
  }

  get unsentBytes(): number {
    return this.#ws.bufferedAmount;
  }
  get destroyed(): boolean {
    // Terminated here: over at once, as for a socket, though `ws` reports the close a turn later.
    return this.#terminated || this.#closed || this.#ws.readyState === this.#ws.CLOSED;
  }
  get closed(): boolean {
    return this.#closed || this.#ws.readyState === this.#ws.CLOSED;
  }
  get readableEnded(): boolean {
    return this.#readableEnded;
  }
  get writableEnded(): boolean {
    return this.#ended || this.#ws.readyState >= this.#ws.CLOSING;
  }
  get writableFinished(): boolean {
    return this.#finished;
  }

  open(events: TransportEvents): void {
    this.#events = events;
    const ws = this.#ws;
    ws.pause();
    ws.on('message', this.#onMessage);
    ws.on('error', this.#onError);
    ws.on('close', this.#onClose);
  }

  pause(): void {
    this.#readerPaused = true;
    this.#readWhileClosing = 0;
    // Once closing, frames go on flowing for a while, so that the peer's close frame is read (see #onMessage).
    if (!this.#ended) this.#ws.pause();
  }

  resume(): void {
    this.#readerPaused = false;
    this.#ws.resume();
  }

  write(bytes: Uint8Array, text = false): boolean {
    const ws = this.#ws;
    this.bytesOut += bytes.byteLength;
    this.#unsent++;
    this.#sends++;
    // ws holds on to the bytes it is given until they are sent, unless it masks them into a copy (a client without
    // compression). Given to a socket that takes them at once, nothing holds them; behind queued ones, a small message
    // is cheaper to copy, a large one to wait for.
    const held = !this.#copiedByWs();
    const data = held && ws.bufferedAmount > 0 && bytes.byteLength <= COPY_LIMIT ? bytes.slice() : bytes;
    ws.send(data, { binary: !text }, this.#onSent);
    if (held && data === bytes && ws.bufferedAmount > 0) this.#holdUntil = this.#sends;
    if (ws.bufferedAmount < WRITE_BOUND && this.#holdUntil <= this.#sent) return true;
    this.#waitingForDrain = true;
    return false;
  }

  /** Whether `ws` sends a copy of what it is given: a client masks each frame into a new buffer, unless it compresses. */
  #copiedByWs(): boolean {
    return this.side === 'client' && !this.#ws.extensions.includes('permessage-deflate');
  }

  end(close?: { readonly code: number; readonly reason: string }): void {
    if (this.#ended) return;
    this.#ended = true;
    // Queued after every message written so far; `ws` sends them in order.
    this.#ws.close(close?.code ?? 1000, close?.reason);
    this.#readWhileClosing = 0;
    this.#ws.resume();
    // Finished once every message written before has gone to the socket (at once if none waits): until
    // then, close() running out of time is a cut-off (ERR_CLOSE_TIMEOUT), not a clean end.
    if (this.#unsent === 0) this.#finish();
  }

  destroy(error?: Error): void {
    if (error !== undefined) this.#failure ??= error;
    this.#terminated = true;
    this.#ws.terminate();
  }

  reset(error: Error): void {
    this.destroy(error);
  }

  setIdleTimeout(ms: number, onIdle: () => void): void {
    this.#idle.set(ms, onIdle);
  }

  release(unread: Uint8Array[]): WebSocket {
    const ws = this.#ws;
    ws.off('message', this.#onMessage);
    ws.off('error', this.#onError);
    ws.off('close', this.#onClose);
    this.#idle.cancel();
    // A WebSocket cannot take bytes back: they are kept, and given as messages to the new owner's first listener.
    return handBack(
      ws,
      unread.map((bytes) => ({ bytes, binary: this.#firstWasText === (this.#otherKind?.has(bytes) ?? false) })),
    );
  }

  #failure: Error | undefined;
  /** Ended here, at once: the abnormal close that follows is ours, not the peer's. */
  #terminated = false;

  #onMessage = (data: WebSocket.RawData, binary: boolean): void => {
    const chunk = toBytes(data);
    this.#firstWasText ??= !binary;
    if (this.#firstWasText === binary) (this.#otherKind ??= new WeakSet()).add(chunk);
    this.bytesIn += chunk.byteLength;
    this.#idle.touch();
    if (this.#ended && this.#readerPaused) {
      this.#readWhileClosing += chunk.byteLength;
      if (this.#readWhileClosing >= CLOSING_READ_LIMIT) this.#ws.pause();
    }
    this.#events?.data(chunk);
  };

  #finish(): void {
    this.#finished = true;
    queueMicrotask(() => this.#events?.finish());
  }

  #onSent = (error?: Error | null): void => {
    this.#unsent--;
    this.#sent++;
    if (error) {
      this.#sendFailed = true; // the socket is going: its close ends the writers
      return;
    }
    if (this.#ended && this.#unsent === 0 && !this.#sendFailed) this.#finish();
    this.#idle.touch();
    if (this.#waitingForDrain && this.#ws.bufferedAmount < WRITE_BOUND && this.#holdUntil <= this.#sent) {
      this.#waitingForDrain = false;
      this.#events?.drain();
    }
  };

  #onError = (error: Error): void => {
    this.#failure ??= asCloseError(error);
  };

  #onClose = (code: number, reason: Buffer): void => {
    this.#closed = true;
    this.#readableEnded = true;
    this.#idle.cancel();
    const events = this.#events;
    // Ended here at once, or by `ws` over a protocol error: that reason counts. Otherwise the close code says what happened.
    const failure =
      this.#terminated || this.#failure !== undefined ? this.#failure : closeError(code, reason.toString());
    if (failure !== undefined) events?.error(failure);
    else events?.end();
    events?.close();
  };
}

/** The close code `ws` sends for each of its protocol errors that is not a plain protocol error (1002). */
const CLOSE_CODES: Readonly<Record<string, number>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009, // over maxPayload
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1009, // a frame length over 2^53 - 1
  WS_ERR_INVALID_UTF8: 1007,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 1008, // too many fragments or buffered chunks
};

/** `ws`'s protocol errors as the close they cause (its codes are not Sluice's). */
function asCloseError(error: Error): Error {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('WS_ERR_')) return error;
  return new WebSocketCloseError(CLOSE_CODES[code] ?? 1002, error.message);
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return new Uint8Array(data);
}
