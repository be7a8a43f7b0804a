import type { Socket } from 'node:net';
import type { ConnectionSide, SocketAddress } from '@sluice/connection';
import type { Transport, TransportEvents } from '@sluice/connection/transport';
import { AlreadyConsumedError } from '@sluice/core';
import { localAddressOf, remoteAddressOf } from './address-of.js';

/** Writes smaller than this are gathered and handed to the socket together at the end of the tick. */
const COALESCE_LIMIT = 16 * 1024;

/**
 * The sockets a transport owns (a socket has one owner at a time), each with
 * the events of its connection once opened.
 */
const adopted = new WeakMap<Socket, TransportEvents | undefined>();

/**
 * The socket's events a transport passes on, each to the `TransportEvents`
 * method of its name: the same listener functions for every socket (Node
 * calls them with the socket as `this`), so a connection costs no closures.
 */
const LISTENERS = {
  data(this: Socket, chunk: Buffer) {
    adopted.get(this)?.data(chunk);
  },
  end(this: Socket) {
    adopted.get(this)?.end();
  },
  error(this: Socket, error: Error) {
    adopted.get(this)?.error(error);
  },
  drain(this: Socket) {
    adopted.get(this)?.drain();
  },
  finish(this: Socket) {
    adopted.get(this)?.finish();
  },
  close(this: Socket) {
    adopted.get(this)?.close();
  },
};
const EVENTS = Object.keys(LISTENERS) as (keyof typeof LISTENERS)[];

/**
 * A Node `net.Socket` (TCP, IPC) or `tls.TLSSocket` as a {@link Transport}.
 *
 * Reading runs in flowing mode, the fastest way Node delivers bytes, paused
 * and resumed by the connection's read queue. Writing coalesces: the first
 * small write of a tick goes straight out (lowest latency); those that follow
 * in the same tick are gathered and handed to the socket as one buffer when
 * the tick ends, one system call for many frames.
 *
 * Once `write()` returns true the caller's bytes are no longer needed: a
 * gathered write is copied, and bytes handed to the socket by reference have
 * gone to the operating system (Node keeps a reference to what it cannot send
 * at once). When the socket keeps some, `write()` returns false and
 * `events.drain` follows once it has sent everything.
 *
 * @internal
 */
export class SocketTransport implements Transport<Socket> {
  readonly remoteAddress: SocketAddress | undefined;
  readonly localAddress: SocketAddress | undefined;
  readonly protocol: 'tcp' | 'tls' | 'ipc';
  readonly side: ConnectionSide | undefined;
  readonly #socket: Socket;
  /** This tick's small writes, copied one after another (a buffer from the spares, taken on the first). */
  #batch: Uint8Array | undefined;
  #batchBytes = 0;
  /** The end of this tick will flush the batch: our own `process.nextTick`, or the socket's write callback (below). */
  #flushScheduled = false;
  /**
   * The tick's end is marked by the socket's callback of a write it took at
   * once: Node calls it from a `process.nextTick` of its own, so a first write
   * that goes straight out costs no second tick callback.
   */
  #flushOnWritten = false;
  /** A write returned false because the socket kept bytes: `events.drain` is due once it has sent them all. */
  #drainDue = false;
  /** The callbacks of `process.nextTick` and `socket.write`, made on the first write (an idle connection has none). */
  #onTickEnd: (() => void) | undefined;
  #onWritten: ((error?: Error | null) => void) | undefined;

  /**
   * `path`: the IPC path, which a connected socket does not report itself;
   * `side`: which end this is, for diagnostics (unknown for an adopted socket).
   */
  constructor(socket: Socket, { path, side }: { path?: string | undefined; side?: ConnectionSide | undefined } = {}) {
    if (adopted.has(socket)) {
      throw new AlreadyConsumedError(
        'socket',
        'Cannot adopt: this socket already belongs to a Connection (unwrap() it first)',
      );
    }
    adopted.set(socket, undefined);
    this.#socket = socket;
    this.remoteAddress = remoteAddressOf(socket, path);
    this.localAddress = localAddressOf(socket, path);
    this.protocol =
      'encrypted' in socket ? 'tls' : path !== undefined || socket.remotePort === undefined ? 'ipc' : 'tcp';
    this.side = side;
  }

  get bytesIn(): number {
    return this.#socket.bytesRead;
  }
  get bytesOut(): number {
    return this.#socket.bytesWritten;
  }
  get unsentBytes(): number {
    return this.#socket.writableLength + this.#batchBytes;
  }
  get destroyed(): boolean {
    return this.#socket.destroyed;
  }
  get closed(): boolean {
    return this.#socket.closed;
  }
  get readableEnded(): boolean {
    return this.#socket.readableEnded || this.#socket.destroyed;
  }
  get writableEnded(): boolean {
    return this.#socket.writableEnded;
  }
  get writableFinished(): boolean {
    return this.#socket.writableFinished;
  }

  open(events: TransportEvents): void {
    const socket = this.#socket;
    adopted.set(socket, events);
    socket.pause();
    for (const name of EVENTS) socket.on(name, LISTENERS[name]);
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  write(bytes: Uint8Array): boolean {
    const socket = this.#socket;
    const small = bytes.byteLength < COALESCE_LIMIT;
    if (small) {
      // Later in the tick, or while the socket holds unsent bytes (it would keep a reference): copy and gather.
      if (this.#flushScheduled || socket.writableLength > 0) return this.#gather(bytes);
      this.#flushScheduled = true;
    } else {
      this.#flush();
    }
    socket.write(bytes, (this.#onWritten ??= (error) => this.#written(error)));
    if (socket.writableLength === 0) {
      // All of it went to the operating system, so Node calls back at the end of this tick (from a nextTick of
      // its own): that callback ends the tick's gathering.
      if (small) this.#flushOnWritten = true;
      return true;
    }
    // Node keeps the bytes and calls back only once they are sent: the tick's end needs a callback of its own.
    if (small) process.nextTick((this.#onTickEnd ??= () => this.#flushAtTickEnd()));
    this.#drainDue = true;
    return false;
  }

  end(): void {
    this.#flush();
    this.#socket.end();
  }

  destroy(error?: Error): void {
    this.#dropBatch();
    this.#socket.destroy(error);
  }

  reset(error: Error): void {
    this.#dropBatch();
    try {
      this.#socket.resetAndDestroy(); // TCP: the peer sees a reset, not a clean end
    } catch {
      this.#socket.destroy(error); // other sockets cannot reset
    }
  }

  setIdleTimeout(ms: number, onIdle: () => void): void {
    this.#socket.setTimeout(ms);
    this.#socket.removeAllListeners('timeout');
    if (ms > 0) this.#socket.on('timeout', onIdle);
  }

  release(unread: Uint8Array[]): Socket {
    const socket = this.#socket;
    this.#flush();
    for (const name of EVENTS) socket.off(name, LISTENERS[name]);
    this.setIdleTimeout(0, () => {});
    for (let i = unread.length - 1; i >= 0; i--) socket.unshift(unread[i] as Uint8Array);
    adopted.delete(socket);
    handBackUnpaused(socket);
    return socket;
  }

  /** Copies `bytes` into this tick's batch; returns false if the socket is over its bound. */
  #gather(bytes: Uint8Array): boolean {
    if (this.#batchBytes + bytes.byteLength > COALESCE_LIMIT) this.#flush();
    const batch = (this.#batch ??= takeSpare());
    batch.set(bytes, this.#batchBytes);
    this.#batchBytes += bytes.byteLength;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      process.nextTick((this.#onTickEnd ??= () => this.#flushAtTickEnd()));
    }
    if (this.#batchBytes === COALESCE_LIMIT) return this.#flush();
    return !this.#socket.writableNeedDrain;
  }

  /** Hands the gathered small writes to the socket; returns false if it is now over its bound. */
  #flush(): boolean {
    const batch = this.#batch;
    const socket = this.#socket;
    if (batch === undefined) return !socket.writableNeedDrain;
    const bytes = batch.subarray(0, this.#batchBytes);
    this.#batch = undefined;
    this.#batchBytes = 0;
    if (socket.destroyed) return false;
    const below = socket.write(bytes, (this.#onWritten ??= (error) => this.#written(error)));
    if (socket.writableLength === 0) giveBack(batch); // sent at once: the buffer is free for the next batch
    return below;
  }

  #dropBatch(): void {
    if (this.#batch !== undefined) giveBack(this.#batch);
    this.#batch = undefined;
    this.#batchBytes = 0;
  }

  #flushAtTickEnd(): void {
    this.#flushScheduled = false;
    this.#flush();
  }

  /**
   * After each write the socket finished: once it holds nothing, a writer told
   * to wait may go on. A write that failed, or was cut off by a destroy (Node
   * then calls back with no error), leaves waiting writers to `close`.
   */
  #written(error: Error | null | undefined): void {
    if (this.#flushOnWritten) {
      // The end of the tick of a write sent at once (see write()).
      this.#flushOnWritten = false;
      this.#flushAtTickEnd();
    }
    const socket = this.#socket;
    if (error != null || !this.#drainDue || socket.writableLength > 0 || socket.destroyed) return;
    this.#drainDue = false;
    adopted.get(socket)?.drain();
  }
}

/**
 * Batch buffers not in use, shared by every socket: a connection holds one
 * only from its first gathered write of a tick to the flush, so an idle
 * connection holds none. A buffer Node keeps (not sent at once) is not given back.
 */
const spares: Uint8Array[] = [];
const MAX_SPARES = 16;

function takeSpare(): Uint8Array {
  return spares.pop() ?? Buffer.allocUnsafeSlow(COALESCE_LIMIT);
}

function giveBack(buffer: Uint8Array): void {
  if (spares.length < MAX_SPARES) spares.push(buffer);
}

/**
 * Leaves `socket` as a fresh one is: neither flowing nor paused on purpose,
 * so that a `'data'` listener starts the flow, as Node users expect. The
 * transport paused it for backpressure; Node has no public way back from an
 * explicit `pause()` (`readableFlowing` stays `false` and `'data'` never
 * fires), so the stream's state is reset where it is kept.
 */
function handBackUnpaused(socket: Socket): void {
  const state = (socket as unknown as { _readableState?: { flowing: boolean | null } })._readableState;
  if (state?.flowing === false) state.flowing = null;
}
