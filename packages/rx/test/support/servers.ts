/** Loopback servers for the tests: an echo server built with listen$, and a plain node:net one. */

import { once } from 'node:events';
import net from 'node:net';
import type { Codec } from '@sluice/codec';
import { listen$, type SocketSubject } from '@sluice/rx';
import type { Subscription } from 'rxjs';

export interface RxServer<TIn, TOut> {
  port: number;
  /** Every subject accepted so far. */
  accepted: SocketSubject<TIn, TOut>[];
  subscription: Subscription;
}

/**
 * Binds `listen$` on 127.0.0.1 port 0 and runs `handle` for each accepted
 * subject (the echo one-liner by default); resolves once it listens.
 */
export function rxServer<TIn, TOut = TIn>(
  codec: Codec<TIn, TOut>,
  handle: (sock: SocketSubject<TIn, TOut>) => void = (sock) => void sock.subscribe(sock as never),
  extra: { capacity?: number } = {},
): Promise<RxServer<TIn, TOut>> {
  return new Promise((resolve, reject) => {
    const accepted: SocketSubject<TIn, TOut>[] = [];
    let port = 0;
    const subscription = listen$<TIn, TOut>({
      host: '127.0.0.1',
      port: 0,
      codec,
      ...extra,
      onListening: (address) => {
        port = 'port' in address ? address.port : 0;
        queueMicrotask(() => resolve({ port, accepted, subscription }));
      },
    }).subscribe({
      next: (sock) => {
        accepted.push(sock);
        handle(sock);
      },
      error: reject,
    });
  });
}

export interface NodeServer {
  port: number;
  /** Sockets accepted so far, in order. */
  sockets: net.Socket[];
  /** Resolves with the next accepted socket. */
  nextSocket(): Promise<net.Socket>;
  close(): Promise<void>;
}

/** A plain node:net server on 127.0.0.1 port 0 (half-open allowed), for watching what a peer sees. */
export async function nodeServer(onSocket: (socket: net.Socket) => void = () => {}): Promise<NodeServer> {
  const sockets: net.Socket[] = [];
  const waiting = new Map<number, (socket: net.Socket) => void>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onSocket(socket);
    const index = sockets.length - 1;
    waiting.get(index)?.(socket);
    waiting.delete(index);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  let seen = 0;
  return {
    port,
    sockets,
    nextSocket: () => {
      const index = seen++;
      const ready = sockets[index];
      return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => waiting.set(index, resolve));
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Resolves when `socket` emits `event` (or has already closed, for 'close'). */
export function seen(socket: net.Socket, event: 'end' | 'close'): Promise<void> {
  if (event === 'close' && socket.closed) return Promise.resolve();
  if (event === 'end' && socket.readableEnded) return Promise.resolve();
  return once(socket, event).then(() => undefined);
}

/** Bytes of a UTF-8 string. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Resolves once the peer `socket` has seen this side go away: its end of stream, a reset, or its close. Resumes reading to notice. */
export function sawHangUp(socket: net.Socket): Promise<void> {
  if (socket.readableEnded || socket.destroyed) return Promise.resolve();
  socket.resume();
  return new Promise((resolve) => {
    socket.once('end', resolve);
    socket.once('error', () => resolve());
    socket.once('close', () => resolve());
  });
}

/** A node:net server whose sockets never read: what it is sent piles up until the sender's close times out. */
export function unreadingServer(): Promise<NodeServer> {
  return nodeServer((socket) => socket.pause());
}

/**
 * Lines enough (36 MB) that a peer that never reads leaves most of them
 * unsent: more than the loopback socket buffers of both sides hold.
 */
export const BACKLOG: readonly string[] = Array.from({ length: 600 }, () => 'x'.repeat(60_000));
