/**
 * Loopback peers of the misuse suites of net and rx: a plain `node:net`
 * server whose accepted sockets record what reached the wire, a Sluice
 * connection paired with one, and a Sluice echo server, so that a test can
 * check that a misuse sent nothing it should not and harmed nothing else.
 * All of them are closed after the test through `defer` (see `cleanups()` in
 * `misuse.ts`); every wait is bounded by `within()`.
 */

import { once } from 'node:events';
import net from 'node:net';
import { type Connection, connect, type Listener, listen } from '@sluice/net';
import { expect } from 'vitest';
import { LIMIT } from './misuse.js';
import { within } from './waits.js';

/** A plain `node:net` socket on the far side of a Sluice connection, recording what it receives. */
export interface Peer {
  readonly socket: net.Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves with what was received once at least `count` bytes have arrived (bounded). */
  waitForBytes(count: number, what?: string): Promise<Buffer>;
  /** Resolves once the other side is done: `'end'` (its FIN arrived), an error code, or `'closed'`. */
  readonly ended: Promise<string>;
}

function peerOf(socket: net.Socket): Peer {
  const chunks: Buffer[] = [];
  let size = 0;
  const waiters: { count: number; resolve(): void }[] = [];
  let error: (Error & { code?: string }) | undefined;
  let gotEnd = false;
  socket.on('error', (e: Error & { code?: string }) => (error ??= e));
  socket.on('end', () => (gotEnd = true));
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    for (const waiter of waiters.splice(0)) {
      if (size >= waiter.count) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  const ended = new Promise<string>((resolve) => {
    socket.once('end', () => resolve('end'));
    socket.once('close', () =>
      resolve(error !== undefined ? (error.code ?? error.message) : gotEnd ? 'end' : 'closed'),
    );
  });
  return {
    socket,
    received: () => Buffer.concat(chunks),
    async waitForBytes(count, what = `${count} bytes at the peer`) {
      if (size < count) {
        await within(new Promise<void>((resolve) => waiters.push({ count, resolve })), LIMIT, what);
      }
      return Buffer.concat(chunks);
    },
    ended,
  };
}

/** A plain `node:net` server (half-open allowed) whose accepted sockets are handed out as {@link Peer}s. */
export interface RawServer {
  readonly port: number;
  /** The next socket accepted (bounded). */
  nextPeer(): Promise<Peer>;
}

/** Starts a {@link RawServer} on loopback; it and its sockets are closed after the test through `defer`. */
export async function rawServer(
  defer: (fn: () => unknown) => void,
  options: { pausePeer?: boolean } = {},
): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const arrived: Peer[] = [];
  const waiting: ((peer: Peer) => void)[] = [];
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: options.pausePeer ?? false }, (socket) => {
    sockets.add(socket);
    const peer = peerOf(socket);
    const waiter = waiting.shift();
    if (waiter === undefined) arrived.push(peer);
    else waiter(peer);
  });
  server.listen(0, '127.0.0.1');
  await within(once(server, 'listening'), LIMIT, 'the raw server listening');
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    port: (server.address() as net.AddressInfo).port,
    nextPeer() {
      const ready = arrived.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return within(new Promise<Peer>((resolve) => waiting.push(resolve)), LIMIT, 'the raw server accepting');
    },
  };
}

/**
 * A Sluice client connection to a {@link RawServer}, and the server's socket
 * as a {@link Peer}. Both are closed after the test through `defer`.
 */
export async function connectedPair(
  defer: (fn: () => unknown) => void,
  options: { pausePeer?: boolean } = {},
): Promise<{ conn: Connection; peer: Peer }> {
  const server = await rawServer(defer, options);
  const conn = await within(connect({ host: '127.0.0.1', port: server.port }), LIMIT, 'connecting to the raw server');
  defer(() => conn.destroy());
  return { conn, peer: await server.nextPeer() };
}

/** Checks that nothing from earlier writes reached `peer`: the first bytes it gets are `marker`, written now. */
export async function expectNothingSentBefore(conn: Connection, peer: Peer, marker = 'MARK'): Promise<void> {
  await within(conn.write(marker), LIMIT, 'writing the marker');
  const got = await peer.waitForBytes(marker.length, 'the marker at the peer');
  expect(got.toString('latin1'), 'what the peer received before (and including) the marker').toBe(marker);
}

/** A Sluice listener running `serve()` with a raw byte echo; closed after the test. */
export async function echoServer(
  defer: (fn: () => unknown) => void,
): Promise<{ listener: Listener; errors: unknown[] }> {
  const listener = await within(listen({ host: '127.0.0.1', port: 0 }), LIMIT, 'listening');
  const errors: unknown[] = [];
  const served = listener.serve(
    async (conn) => {
      for await (const chunk of conn) await conn.write(chunk);
    },
    { onError: (error) => errors.push(error) },
  );
  served.catch(() => {});
  defer(async () => {
    await listener.close();
    await within(served, LIMIT, 'serve() ending');
  });
  return { listener, errors };
}

/** Reads a connection (or any iterable of chunks) to its end, as text; bounded. */
export async function readText(source: AsyncIterable<Uint8Array>, what = 'reading to the end'): Promise<string> {
  const read = async () => {
    const parts: Buffer[] = [];
    for await (const chunk of source) parts.push(Buffer.from(chunk));
    return Buffer.concat(parts).toString();
  };
  return within(read(), LIMIT, what);
}

/** A fresh connection to `listener` that sends `text`, half-closes and expects it echoed back. */
export async function expectEchoes(listener: Listener, text = 'still here\n'): Promise<void> {
  const conn = await within(connect(listener.address as { host: string; port: number }), LIMIT, 'connecting');
  try {
    await conn.write(text);
    await conn.closeWrite();
    expect(await readText(conn, 'the echo')).toBe(text);
  } finally {
    conn.destroy();
  }
}
