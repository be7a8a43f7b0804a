import type { SocketAddress } from '@sluice/connection';
import { IdleTimer, type Transport, type TransportEvents } from '@sluice/connection/transport';
import { OverflowError } from '@sluice/core';
import { closeError } from '../errors.js';
import { MessageTransport } from './message-transport.js';

/** Bytes the browser may buffer for sending before writers wait. */
const WRITE_BOUND = 64 * 1024;
/** How often a waiting writer looks at `bufferedAmount` again (the platform has no drain event). */
const DRAIN_POLL_MS = 5;
/**
 * What may arrive while the connection's queue is full. A browser WebSocket
 * cannot pause reading, so past this the connection is closed with
 * `ERR_OVERFLOW` rather than buffering without bound.
 */
const PAUSED_LIMIT = 4 * 1024 * 1024;

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/**
 * The platform's `WebSocket` (browsers, Deno, Bun, Node 22+) as a
 * {@link Transport}. Text codecs send text messages; everything else binary.
 * The platform cannot pause a WebSocket: while the connection's read queue
 * is full, messages still arrive, up to 4 MiB; past that the connection ends
 * with `ERR_OVERFLOW`, so memory stays bounded.
 *
 * @internal
 */
export class BrowserWebSocketTransport extends MessageTransport implements Transport<WebSocket> {
  readonly #ws: WebSocket;
  #events: TransportEvents | undefined;
  readonly #idle = new IdleTimer();
  #paused = true;
  #pausedBytes = 0;
  #ended = false;
  #closed = false;
  #failure: Error | undefined;
  #terminated = false;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(ws: WebSocket, remoteAddress: SocketAddress | undefined, protocol: 'ws' | 'wss') {
    super(remoteAddress, protocol, 'client');
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
  }

  get unsentBytes(): number {
    return this.#ws.bufferedAmount;
  }
  get destroyed(): boolean {
    return this.#closed || this.#terminated;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get readableEnded(): boolean {
    return this.#closed;
  }
  get writableEnded(): boolean {
    return this.#ended || this.#ws.readyState >= 2;
  }
  get writableFinished(): boolean {
    return this.#ended && this.#ws.bufferedAmount === 0;
  }

  open(events: TransportEvents): void {
    this.#events = events;
    this.#ws.addEventListener('message', this.#onMessage);
    this.#ws.addEventListener('error', this.#onError);
    this.#ws.addEventListener('close', this.#onClose);
  }

  pause(): void {
    this.#paused = true;
    this.#pausedBytes = 0;
  }

  resume(): void {
    this.#paused = false;
  }

  write(bytes: Uint8Array, text = false): boolean {
    const ws = this.#ws;
    this.bytesOut += bytes.byteLength;
    ws.send(text ? utf8.decode(bytes) : bytes);
    this.#idle.touch();
    if (ws.bufferedAmount < WRITE_BOUND) return true;
    this.#drainTimer ??= setTimeout(this.#pollDrain, DRAIN_POLL_MS);
    return false;
  }

  end(close?: { readonly code: number; readonly reason: string }): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#ws.close(close?.code ?? 1000, close?.reason);
    this.#finishWhenSent();
  }

  destroy(error?: Error): void {
    if (error !== undefined) this.#failure ??= error;
    this.#terminated = true;
    // The platform has no terminate(): close at once, and report the end without waiting for the peer.
    this.#ws.close(error === undefined ? 1000 : 4000);
    this.#finish();
  }

  reset(error: Error): void {
    this.destroy(error);
  }

  setIdleTimeout(ms: number, onIdle: () => void): void {
    this.#idle.set(ms, onIdle);
  }

  release(unread: Uint8Array[]): WebSocket {
    this.#ws.removeEventListener('message', this.#onMessage);
    this.#ws.removeEventListener('error', this.#onError);
    this.#ws.removeEventListener('close', this.#onClose);
    this.#idle.cancel();
    clearTimeout(this.#drainTimer);
    const ws = this.#ws;
    for (const bytes of unread) {
      queueMicrotask(() => ws.dispatchEvent(new MessageEvent('message', { data: bytes.slice().buffer })));
    }
    return ws;
  }

  /** Reports `finish` once the browser has sent everything written (it has no event for that). */
  #finishWhenSent = (): void => {
    if (this.#closed) return;
    if (this.#ws.bufferedAmount === 0) this.#events?.finish();
    else setTimeout(this.#finishWhenSent, DRAIN_POLL_MS);
  };

  #pollDrain = (): void => {
    this.#drainTimer = undefined;
    if (this.#closed) return;
    if (this.#ws.bufferedAmount < WRITE_BOUND) this.#events?.drain();
    else this.#drainTimer = setTimeout(this.#pollDrain, DRAIN_POLL_MS);
  };

  #onMessage = (event: MessageEvent): void => {
    const data: unknown = event.data;
    const chunk = typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data as ArrayBuffer);
    this.bytesIn += chunk.byteLength;
    this.#idle.touch();
    if (this.#paused) {
      this.#pausedBytes += chunk.byteLength;
      if (this.#pausedBytes > PAUSED_LIMIT) {
        return this.destroy(new OverflowError(PAUSED_LIMIT, 'read queue of a WebSocket that cannot pause'));
      }
    }
    this.#events?.data(chunk);
  };

  #onError = (): void => {
    // The platform says nothing more; the close event that follows has the code.
  };

  #onClose = (event: CloseEvent): void => {
    if (this.#failure === undefined && !this.#terminated) {
      this.#failure = closeError(event.code, event.reason);
    }
    this.#finish();
  };

  /** Reports the end once: the error if any, else the peer's end; then the close. */
  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#idle.cancel();
    clearTimeout(this.#drainTimer);
    const events = this.#events;
    if (this.#failure !== undefined) events?.error(this.#failure);
    else events?.end();
    events?.close();
  }
}
