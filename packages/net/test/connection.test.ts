import { once } from 'node:events';
import type net from 'node:net';
import { type Connection, connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { concatBytes as concat } from '../../../test-support/chunking.js';
import { checkHalfClose, halfCloseCases } from '../../../test-support/half-close.js';
import { rawServer } from './support/peers.js';
import { readAll } from './support/read-all.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A plain node:net server (half-close allowed) whose connections are handed to `onSocket`. */
const nodeServer = (onSocket: (socket: net.Socket) => void) => rawServer(onSocket, { allowHalfOpen: true });

describe('Connection', () => {
  it('reads what a plain node:net peer writes, then ends at its FIN', async () => {
    const server = await nodeServer((socket) => socket.end('hello from node'));
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    expect(text(await readAll(conn))).toBe('hello from node');
    await conn.close();
    await server.close();
  });

  it('half-closes: after closeWrite() the peer sees the end and can still answer', async () => {
    const server = await nodeServer((socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => socket.end(`got ${Buffer.concat(chunks).length} bytes`));
    });
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    await conn.write(new Uint8Array(100_000).fill(7));
    await conn.closeWrite();
    await expect(conn.write('late')).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    expect(text(await readAll(conn))).toBe('got 100000 bytes');
    await conn.close();
    await server.close();
  });

  it('half-closes the other way: the peer ends first and this side keeps writing', async () => {
    const received: Buffer[] = [];
    let peerEnded!: Promise<unknown>;
    const server = await nodeServer((socket) => {
      peerEnded = once(socket, 'end');
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.end('bye');
    });
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    expect(text(await readAll(conn.reader()))).toBe('bye');
    await conn.write('still writing after your FIN');
    await conn.close();
    await peerEnded;
    await server.close();
    expect(Buffer.concat(received).toString()).toBe('still writing after your FIN');
  });

  it('rejects the pending read with the real error when the peer resets', async () => {
    const server = await nodeServer((socket) => {
      socket.write('partial');
      socket.once('data', () => socket.resetAndDestroy());
    });
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    await conn.write('reset me');
    await expect(readAll(conn)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await server.close();
  });

  it('passes ECONNREFUSED through from connect()', async () => {
    const server = await nodeServer(() => {});
    const { port } = server;
    await server.close();
    await expect(connect({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects connect() with an AbortError when its signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('changed my mind'));
    await expect(connect({ host: '127.0.0.1', port: 1, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
      code: 'ABORT_ERR',
    });
  });

  it('closes an idle connection with ERR_IDLE_TIMEOUT, rejecting the waiting read', async () => {
    const server = await nodeServer(() => {});
    const conn = await connect({ host: '127.0.0.1', port: server.port, idleTimeout: 50 });
    await expect(readAll(conn)).rejects.toMatchObject({ code: 'ERR_IDLE_TIMEOUT' });
    expect(conn.destroyed).toBe(true);
    await server.close();
  });

  it('closes the connection when a for-await loop is left early', async () => {
    let peerEnded!: Promise<unknown>;
    const server = await nodeServer((socket) => {
      peerEnded = once(socket, 'end').then(() => socket.end());
      socket.write('first');
    });
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    for await (const chunk of conn) {
      expect(text(chunk)).toBe('first');
      break;
    }
    await peerEnded;
    await conn.closed;
    expect(conn.destroyed).toBe(true);
    await server.close();
  });

  it('keeps the connection open when a reader({ keepOpen: true }) loop is left early', async () => {
    const server = await nodeServer((socket) => {
      socket.write('one');
      socket.once('data', () => socket.end('two'));
    });
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    for await (const chunk of conn.reader({ keepOpen: true })) {
      expect(text(chunk)).toBe('one');
      break;
    }
    await conn.write('go on');
    expect(text(await readAll(conn))).toBe('two');
    await server.close();
  });

  it('closes the connection when a reader() loop without keepOpen is left early, as iterating it does', async () => {
    const server = await nodeServer((socket) => socket.write('one'));
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    for await (const _ of conn.reader()) break;
    await conn.closed;
    expect(conn.destroyed).toBe(true);
    await server.close();
  });

  it('write() waits for a slow peer: an awaiting writer stays a bounded distance ahead', async () => {
    let peer!: net.Socket;
    let onAccept!: () => void;
    const peerAccepted = new Promise<void>((resolve) => (onAccept = resolve));
    const server = await nodeServer((socket) => {
      peer = socket;
      socket.pause();
      onAccept();
    });
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    await peerAccepted;
    const chunk = new Uint8Array(64 * 1024);
    const total = 64 * 1024 * 1024;
    let written = 0;
    let blocked = false;
    let lastWrite: Promise<void> = Promise.resolve();
    while (written < total) {
      const accepted = conn.write(chunk);
      lastWrite = accepted;
      let settled = false;
      void accepted.then(() => (settled = true));
      await new Promise((resolve) => setImmediate(resolve));
      if (!settled) {
        blocked = true;
        break;
      }
      written += chunk.byteLength;
    }
    // The peer reads nothing, so the writer must be held back long before 64 MiB.
    expect(blocked).toBe(true);
    expect(written).toBeLessThan(16 * 1024 * 1024);
    let received = 0;
    peer.on('data', (data: Buffer) => (received += data.byteLength));
    peer.resume();
    const closing = conn.close();
    await once(peer, 'end');
    peer.end();
    await closing;
    await expect(lastWrite).resolves.toBeUndefined();
    expect(received).toBe(written + chunk.byteLength);
    await server.close();
  });

  it('close() keeps reading (and discarding) so a peer that is still sending sees the FIN and finishes', async () => {
    const server = await nodeServer((socket) => {
      socket.write(new Uint8Array(2 * 1024 * 1024));
      socket.on('data', () => {});
      socket.on('end', () => socket.end());
    });
    // With a close timeout far above the test's own, only the peer finishing can end the wait.
    const conn = await connect({ host: '127.0.0.1', port: server.port, closeTimeout: 60_000 });
    const waiting = conn.reader()[Symbol.asyncIterator]().next();
    await waiting;
    const pending = conn.reader()[Symbol.asyncIterator]().next();
    await conn.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    await server.close();
  });

  it('a write waiting for a slow peer rejects with an AbortError when its signal aborts', async () => {
    const server = await nodeServer((socket) => socket.pause());
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    const controller = new AbortController();
    let waiting: Promise<void> | undefined;
    for (let i = 0; i < 1000 && waiting === undefined; i++) {
      const write = conn.write(new Uint8Array(1024 * 1024), { signal: controller.signal });
      let settled = false;
      void write.then(
        () => (settled = true),
        () => (settled = true),
      );
      await new Promise((resolve) => setImmediate(resolve));
      if (!settled) waiting = write;
    }
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    conn.destroy();
    await server.close();
  });

  it('reports byte counters', async () => {
    const server = await nodeServer((socket) => socket.end('12345'));
    const conn: Connection = await connect({ host: '127.0.0.1', port: server.port });
    await conn.write('abc');
    expect(concat([await readAll(conn.reader())]).byteLength).toBe(5);
    expect(conn.counters).toMatchObject({ bytesIn: 5, bytesOut: 3 });
    await conn.close();
    await server.close();
  });
});

describe('closeWrite() after the peer half-closed, over TCP loopback', () => {
  for (const check of halfCloseCases) {
    it(check.title, async () => {
      await using listener = await listen({ host: '127.0.0.1', port: 0 });
      const accepted = listener.accept();
      const conn = await connect({ ...listener.address });
      const peer = (await accepted) as Connection;
      try {
        await checkHalfClose({ conn, peer }, check);
      } finally {
        conn.destroy();
        peer.destroy();
      }
    });
  }
});

describe('Framed.read({ signal })', () => {
  it('gives up when its signal aborts, and the next read still gets the frame', async () => {
    let send!: (text: string) => void;
    const server = await nodeServer((socket) => {
      send = (text) => socket.write(text);
    });
    await using conn = await connect({ host: '127.0.0.1', port: server.port });
    const { lines } = await import('@sluice/codec');
    const io = conn.framed(lines());
    const controller = new AbortController();
    const waiting = io.read({ signal: controller.signal });
    controller.abort(new Error('too slow'));
    await expect(waiting).rejects.toMatchObject({ code: 'ABORT_ERR' });
    send('late\n');
    expect(await io.read()).toBe('late');
    await server.close();
  });
});
