import dgram from 'node:dgram';
import { AbortError, type Channel, ClosedError, channel, checkOption, throwIfAborted } from '@sluice/core';

/** One received datagram. */
export interface Datagram {
  /** The payload. */
  data: Uint8Array;
  /** The sender's address. */
  address: string;
  /** The sender's port. */
  port: number;
}

/** Options of {@link bind}. */
export interface BindOptions {
  /** Address to bind. @default '127.0.0.1' for udp4, '::1' for udp6 */
  host?: string;
  /** Port to bind; `0` picks a free one. @default 0 */
  port?: number;
  /** @default 'udp4' */
  type?: 'udp4' | 'udp6';
  /**
   * Datagrams received but not yet read. When full, new datagrams are dropped
   * (UDP semantics) and counted in `dropped`.
   * @default 1024
   */
  queueSize?: number;
  /** Aborting before binding rejects; afterwards it closes the socket. */
  signal?: AbortSignal;
  /** Allow several sockets to bind the same address (`SO_REUSEADDR`). @default false */
  reuseAddr?: boolean;
}

/**
 * A bound UDP socket: an async iterable of received datagrams, with `send`.
 * Created by {@link bind}. Receiving is bounded by `queueSize`; what does not
 * fit is dropped and counted, never buffered without limit.
 *
 * @example
 * ```ts
 * await using socket = await bind({ host: '127.0.0.1', port: 0 });
 * for await (const { data, address, port } of socket) await socket.send(data, port, address);
 * ```
 */
export class DatagramSocket implements AsyncIterable<Datagram>, AsyncDisposable {
  /** Where the socket is bound. */
  readonly address: { host: string; port: number; family: string };

  readonly #socket: dgram.Socket;
  readonly #received: Channel<Datagram>;
  #closing: Promise<void> | undefined;

  /** @internal Use `bind()`. */
  constructor(socket: dgram.Socket, queueSize: number) {
    this.#socket = socket;
    const bound = socket.address();
    this.address = { host: bound.address, port: bound.port, family: bound.family };
    this.#received = channel<Datagram>({
      capacity: queueSize,
      overflow: 'drop-newest',
      onReturn: () => void this.close(),
    });
    socket.on('message', (data, remote) => {
      this.#received.offer({ data, address: remote.address, port: remote.port });
    });
    socket.on('error', (error) => this.#received.error(error));
    socket.on('close', () => this.#received.end());
  }

  /** Datagrams dropped because the receive queue was full. */
  get dropped(): number {
    return this.#received.dropped;
  }

  /**
   * Sends one datagram; resolves once it has been handed to the OS.
   *
   * @example
   * ```ts
   * await socket.send('ping', 9000, '127.0.0.1');
   * ```
   */
  send(data: Uint8Array | string, port: number, host: string, options?: { signal?: AbortSignal }): Promise<void> {
    try {
      if (typeof data !== 'string') checkOption('send(): data', data, 'bytes', { required: true });
      checkOption('send(): port', port, { integer: [1, 65535] }, { required: true });
      checkOption('send(): host', host, 'string', { required: true });
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    if (this.#closing !== undefined) return Promise.reject(new ClosedError('Cannot send: the socket is closed'));
    return new Promise((resolve, reject) => {
      this.#socket.send(data, port, host, (error) => (error ? reject(error) : resolve()));
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
  const { type = 'udp4', port = 0, signal, queueSize = 1024 } = options;
  checkOption('bind(): port', port, { integer: [0, 65535] });
  checkOption('bind(): host', options.host, 'string');
  checkOption('bind(): queueSize', queueSize, { integer: [1] });
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
  const bound = new DatagramSocket(socket, queueSize);
  signal?.addEventListener('abort', () => void bound.close(), { once: true });
  return bound;
}
