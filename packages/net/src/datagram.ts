import { Buffer } from 'node:buffer';
import dgram from 'node:dgram';
import type { IpAddress } from '@sluice/connection';
import {
  AbortError,
  type AbortOptions,
  type Channel,
  ClosedError,
  channel,
  checkOption,
  checkOptionKeys,
  OverflowError,
  throwIfAborted,
} from '@sluice/core';

/** One received datagram. */
export interface Datagram {
  /** The payload. */
  readonly data: Uint8Array;
  /** Who sent it: pass it to `send()` to answer. */
  readonly address: IpAddress;
}

/** Options of {@link bind}. */
export interface BindOptions extends AbortOptions {
  /** Address to bind. @default '127.0.0.1' for udp4, '::1' for udp6 */
  host?: string | undefined;
  /** Port to bind; `0` picks a free one. @default 0 */
  port?: number | undefined;
  /** @default 'udp4' */
  type?: 'udp4' | 'udp6' | undefined;
  /**
   * Datagrams received but not yet read. When full, new datagrams are dropped
   * (UDP semantics) and counted in `dropped`.
   * @default 1024
   */
  capacity?: number | undefined;
  /**
   * Bytes that sends not yet handed to the OS may hold. Awaiting each
   * `send()` never comes near it; sends nobody awaits would otherwise grow
   * memory while the OS is busy. A send made while others wait that would
   * pass it rejects with an `OverflowError` (`ERR_OVERFLOW`) and is not sent
   * (UDP may lose a datagram); the socket stays open. A send made while none
   * waits always goes. `Infinity`: no bound.
   * @default 4194304
   */
  sendCapacity?: number | undefined;
  /** Aborting before binding rejects; afterwards it closes the socket. */
  signal?: AbortSignal | undefined;
  /** Allow several sockets to bind the same address (`SO_REUSEADDR`). @default false */
  reuseAddr?: boolean | undefined;
}

/**
 * A bound UDP socket: an async iterable of received datagrams, with `send`.
 * Created by {@link bind}. Receiving is bounded by `capacity`; what does not
 * fit is dropped and counted, never buffered without limit. Sending is
 * bounded by `sendCapacity`.
 *
 * @example
 * ```ts
 * await using socket = await bind({ host: '127.0.0.1', port: 0 });
 * for await (const { data, address } of socket) await socket.send(data, address); // echo
 * ```
 */
export class DatagramSocket implements AsyncIterable<Datagram>, AsyncDisposable {
  /** Where the socket is bound. */
  readonly address: IpAddress;
  /** Resolves once the socket is closed (it never rejects). */
  readonly closed: Promise<void>;

  readonly #socket: dgram.Socket;
  readonly #received: Channel<Datagram>;
  readonly #sendCapacity: number;
  /** Bytes of sends not yet handed to the OS. */
  #sending = 0;
  #closing: Promise<void> | undefined;

  /** @internal Use `bind()`. */
  constructor(socket: dgram.Socket, capacity: number, sendCapacity: number) {
    this.#socket = socket;
    this.#sendCapacity = sendCapacity;
    const bound = socket.address();
    this.address = { host: bound.address, port: bound.port, family: bound.family };
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.#received = channel<Datagram>({
      capacity,
      overflow: 'drop-newest',
      onReturn: () => void this.close(),
    });
    socket.on('message', (data, remote) => {
      this.#received.offer({ data, address: { host: remote.address, port: remote.port, family: remote.family } });
    });
    socket.on('error', (error) => this.#received.error(error));
    socket.on('close', () => this.#received.end());
  }

  /** Datagrams dropped because the receive queue was full. */
  get dropped(): number {
    return this.#received.dropped;
  }

  /**
   * Sends one datagram to `to` (`{ host, port }`, or a received datagram's
   * `address`); resolves once it has been handed to the OS. Rejects with
   * `ERR_OVERFLOW`, sending nothing, if sends not yet handed over already
   * hold `sendCapacity` bytes.
   *
   * @example
   * ```ts
   * await socket.send('ping', { host: '127.0.0.1', port: 9000 });
   * ```
   */
  send(data: Uint8Array | string, to: IpAddress, options?: AbortOptions): Promise<void> {
    try {
      if (typeof data !== 'string') checkOption('send(): data', data, 'bytes', { required: true });
      checkOption('send(): to', to, 'object', { required: true });
      checkOption('send(): to.port', to.port, { integer: [1, 65535] }, { required: true });
      checkOption('send(): to.host', to.host, 'string', { required: true });
      checkOptionKeys('send()', options, ['signal']);
      checkOption('send(): signal', options?.signal, 'signal');
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    if (this.#closing !== undefined) return Promise.reject(new ClosedError('Cannot send: the socket is closed'));
    const bytes = typeof data === 'string' ? Buffer.from(data) : data; // encoded once: dgram would do it anyway
    const size = bytes.byteLength;
    if (this.#sending > 0 && this.#sending + size > this.#sendCapacity) {
      const limit = this.#sendCapacity;
      const message = `send(): over ${limit} bytes (sendCapacity) of sends wait for the OS; await each send()`;
      return Promise.reject(new OverflowError(limit, 'send queue', message));
    }
    this.#sending += size;
    return new Promise((resolve, reject) => {
      this.#socket.send(bytes, to.port, to.host, (error) => {
        this.#sending -= size;
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Closes the socket; iteration ends after the datagrams already queued. */
  close(): Promise<void> {
    this.#closing ??= new Promise((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
    return this.#closing;
  }

  /** Iterates received datagrams; leaving early closes the socket. */
  [Symbol.asyncIterator](): AsyncIterator<Datagram> {
    return this.#received[Symbol.asyncIterator]();
  }

  /** `await using socket = await bind(…)` closes it at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Binds a UDP socket and resolves once it is bound.
 *
 * @example
 * ```ts
 * const socket = await bind({ host: '127.0.0.1', port: 0 });
 * console.log('udp on', socket.address.port);
 * ```
 */
export async function bind(options: BindOptions = {}): Promise<DatagramSocket> {
  checkOption('bind(): options', options, 'object', { required: true });
  checkOptionKeys('bind()', options, ['host', 'port', 'type', 'capacity', 'sendCapacity', 'signal', 'reuseAddr']);
  const { type = 'udp4', port = 0, signal, capacity = 1024, sendCapacity = 4 * 1024 * 1024 } = options;
  checkOption('bind(): port', port, { integer: [0, 65535] });
  checkOption('bind(): host', options.host, 'string');
  checkOption('bind(): capacity', capacity, { integer: [1] });
  checkOption('bind(): sendCapacity', sendCapacity, { integer: [1, Number.POSITIVE_INFINITY] });
  checkOption('bind(): signal', signal, 'signal');
  checkOption('bind(): type', type, { oneOf: ['udp4', 'udp6'] });
  checkOption('bind(): reuseAddr', options.reuseAddr, 'boolean');
  throwIfAborted(signal);
  const host = options.host ?? (type === 'udp6' ? '::1' : '127.0.0.1');
  const socket = dgram.createSocket({ type, reuseAddr: options.reuseAddr ?? false });
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      socket.close();
      reject(new AbortError(signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      socket.close();
      reject(error);
    });
    socket.bind(port, host, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
  });
  socket.removeAllListeners('error');
  const bound = new DatagramSocket(socket, capacity, sendCapacity);
  signal?.addEventListener('abort', () => void bound.close(), { once: true });
  return bound;
}
