import { once } from 'node:events';
import net from 'node:net';
import { connect, fromNodeSocket, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { readAll } from './support/read-all.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('fromNodeSocket and unwrap', () => {
  it('adopts a connected net.Socket and hands it back with unread bytes intact', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const accepted = listener.accept();
    const socket = net.connect({ ...(listener.address as { host: string; port: number }), allowHalfOpen: true });
    await once(socket, 'connect');
    const server = (await accepted)!;
    await server.write('greeting|rest of the stream');
    await server.closeWrite();

    const conn = fromNodeSocket(socket);
    const first = await conn.reader()[Symbol.asyncIterator]().next();
    expect(text(first.value!)).toContain('greeting');

    // Push a second chunk so that something is queued but unread, then take the socket back.
    const raw = conn.unwrap();
    const rest: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => rest.push(chunk));
    await once(raw, 'end');
    expect(text(first.value!) + Buffer.concat(rest).toString()).toBe('greeting|rest of the stream');
    await expect(conn.write('after unwrap')).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    raw.end();
    await server.close();
  });
});

describe('an unwrapped socket is a plain Node socket', () => {
  it("starts flowing with a 'data' listener, as a fresh socket does, bytes read ahead first", async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const accepted = listener.accept();
    const peer = net.connect(listener.address as { host: string; port: number });
    await once(peer, 'connect');
    const conn = (await accepted)!;
    peer.write('one|');
    const reading = conn.reader({ keepOpen: true })[Symbol.asyncIterator]();
    expect(text((await reading.next()).value!)).toBe('one|');
    const socket = conn.unwrap();
    expect(socket.readableFlowing).not.toBe(false);
    const received: string[] = [];
    const twoArrived = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk.toString());
        if (received.join('') === 'two|three') resolve();
      }),
    );
    peer.write('two|');
    peer.write('three');
    await twoArrived;
    peer.destroy();
    socket.destroy();
  });

  it('is left to its new owner by closeWrite(), close(), destroy() and a serve() handler that returns', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    let handed!: () => void;
    const handedOver = new Promise<void>((resolve) => (handed = resolve));
    const served = listener.serve(async (conn) => {
      const socket = conn.unwrap();
      socket.pipe(socket); // a plain Node echo, owned by this code from now on
      // Each settles at once (none waits on the socket it no longer owns) and leaves the socket alone.
      await conn.closeWrite();
      await conn.close();
      conn.destroy();
      handed();
    });
    const client = await connect(listener.address);
    await handedOver; // the handler has returned: serve() must not end the socket
    await client.write('still there?');
    const io = client.reader({ keepOpen: true })[Symbol.asyncIterator]();
    expect(text((await io.next()).value!)).toBe('still there?');
    await client.close();
    await listener.close();
    await served;
  });
});

describe('unwrap with a write in flight', () => {
  it('settles a write that was waiting for the socket to drain', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const accepted = listener.accept();
    const conn = await connect(listener.address);
    const server = (await accepted)!; // never reads: the client's writes back up
    let waiting: Promise<void> = Promise.resolve();
    for (let i = 0; i < 1000; i++) {
      waiting = conn.write(new Uint8Array(1024 * 1024));
      let settled = false;
      void waiting.then(
        () => (settled = true),
        () => (settled = true),
      );
      await new Promise((resolve) => setImmediate(resolve));
      if (!settled) break;
    }
    conn.unwrap().resetAndDestroy();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    server.destroy();
  });
});

describe('web streams', () => {
  it('reads a connection as a ReadableStream and writes one from a ReadableStream', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(async (conn) => {
      // Echo through web streams: the connection's readable piped into its own writable.
      await conn.readable().pipeTo(conn.writable());
    });
    const conn = await connect(listener.address);
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of ['web ', 'streams ', 'both ways']) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });
    await source.pipeTo(conn.writable());
    expect(text(await readAll(conn))).toBe('web streams both ways');
    await listener.close();
    await served;
  });
});

describe('Framed.read', () => {
  it('reads one frame at a time, request after request, and undefined at the end', async () => {
    const { lines } = await import('@sluice/codec');
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(async (conn) => {
      const io = conn.framed(lines());
      for await (const line of io) await io.write(`re: ${line}`);
    });
    const conn = await connect(listener.address);
    const io = conn.framed(lines());
    await io.write('one');
    expect(await io.read()).toBe('re: one');
    await io.write('two');
    expect(await io.read()).toBe('re: two');
    await io.closeWrite();
    expect(await io.read()).toBeUndefined();
    expect(conn.counters.framesIn).toBe(2);
    await conn.close();
    await listener.close();
    await served;
  });
});
