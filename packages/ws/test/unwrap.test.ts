/**
 * `conn.unwrap()` hands the `ws` WebSocket back as Node hands back a socket:
 * neither flowing nor paused. Messages received but not read are kept until
 * the new owner adds a `'message'` listener, however many turns later, and
 * reach it first, in order, binary or text as they came; a listener added
 * without `resume()` gets the newer ones too. The WebSocket is its new
 * owner's: `closeWrite()`, `close()`, `destroy()` and a `serve()` handler's end leave it open.
 */
import { once } from 'node:events';
import { connect, listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { signal, until, within } from '../../../test-support/waits.js';

/** A plain `ws` server whose first client is handed to the test. */
async function plainServer(): Promise<{ port: number; peer: Promise<WebSocket>; close(): void }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const peer = once(server, 'connection').then(([ws]) => ws as WebSocket);
  return {
    port: (server.address() as { port: number }).port,
    peer,
    close: () => {
      for (const client of server.clients) client.terminate();
      server.close();
    },
  };
}

describe('unwrap() of a WebSocket connection', () => {
  // The transport records the first message's kind and marks only messages of the other kind: both orders.
  it.each([
    ['text', false],
    ['binary', true],
  ])(
    'keeps unread messages for a listener added turns later, in order, binary or text, then newer ones (first: %s)',
    async (_, firstBinary) => {
      const server = await plainServer();
      try {
        await using conn = await connect(`ws://127.0.0.1:${server.port}/`);
        const peer = await within(server.peer, 5000, 'the server side');
        peer.send(Buffer.from('a'), { binary: firstBinary });
        peer.send(Buffer.from('b'), { binary: !firstBinary });
        peer.send(Buffer.from('c'), { binary: firstBinary });
        const first = await within(conn[Symbol.asyncIterator]().next(), 5000, 'the first message');
        expect(String(first.value)).toBe('a');
        await until(() => conn.counters.bytesIn >= 3, 'b and c arriving');

        const ws = conn.unwrap();
        for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
        const got: [string, boolean][] = [];
        ws.on('message', (data, binary) => got.push([String(data), binary]));
        await until(() => got.length >= 2, 'the unread messages');
        peer.send('d');
        await until(() => got.length >= 3, 'a message sent after the listener was added');
        expect(got).toEqual([
          ['b', !firstBinary],
          ['c', firstBinary],
          ['d', false],
        ]);
        ws.terminate();
      } finally {
        server.close();
      }
    },
  );

  it('a listener added without resume() gets messages sent after the unwrap', async () => {
    const server = await plainServer();
    try {
      await using conn = await connect(`ws://127.0.0.1:${server.port}/`);
      const peer = await within(server.peer, 5000, 'the server side');
      const ws = conn.unwrap();
      await new Promise((resolve) => setImmediate(resolve));
      const got: string[] = [];
      ws.on('message', (data) => got.push(String(data)));
      peer.send('x');
      peer.send('y');
      await until(() => got.length >= 2, 'the messages');
      expect(got).toEqual(['x', 'y']);
      ws.terminate();
    } finally {
      server.close();
    }
  });

  it("is left open by closeWrite(), close(), destroy() and the serve() handler's end: a raw ws echo goes on", async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const handedBack = signal();
    void listener.serve(async (conn) => {
      const ws = conn.unwrap();
      ws.on('message', (data) => ws.send(data));
      await within(conn.closeWrite(), 5000, 'closeWrite() after unwrap()'); // settles at once: it never waits on the socket it gave away
      conn.destroy();
      await conn.close();
      handedBack.resolve();
    });
    await using client = await connect(`ws://127.0.0.1:${listener.port}/`);
    await within(handedBack.promise, 5000, 'the handler returning');
    const replies = client[Symbol.asyncIterator]();
    for (const text of ['one', 'two']) {
      await client.write(Buffer.from(text));
      const reply = await within(replies.next(), 5000, `the echo of ${text}`);
      expect(String(reply.value)).toBe(text);
      await new Promise((resolve) => setImmediate(resolve)); // the handler's end has run
    }
    expect(client.destroyed).toBe(false);
  });
});
