/**
 * WebSocket peers that send more than `maxPayload` allows, over real loopback
 * sockets, in both directions: a plain `ws` client or server, or a raw TCP
 * socket that speaks the opening handshake and then announces a length too
 * large, or sends too many fragments, against a Sluice server or client. Each
 * fault must reach the code waiting on that connection as a coded error (any
 * good frames first), close that connection, and leave the listener and every
 * other connection working; no socket may be left behind.
 */
import { json, lines } from '@sluice/codec';
import { connect, messages } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { checkHandlesReleased } from '../../../test-support/handles.js';
import { received } from '../../../test-support/raw-sockets.js';
import { signal, within } from '../../../test-support/waits.js';
import { echoServer, plainClient, session, url } from './support/echo.js';
import { lp } from './support/faults.js';
import { closeCodeIn, frame, OP, rawWebSocket, rejectionOf } from './support/peers.js';

checkHandlesReleased(); // after every fault, every socket and server handle is released

describe('a peer that sends an oversized message', () => {
  it('a plain ws client over maxPayload: ERR_WS_MESSAGE_TOO_BIG (1009) for the handler, 1009 for the client; others carry on', async () => {
    const server = await echoServer(lines(), { maxPayload: 1024 });
    const other = await session(server.url, lines());
    const big = await plainClient(server.url);
    big.ws.send('fine\n');
    expect(String((await big.next()).data)).toBe('fine\n');
    big.ws.send(Buffer.alloc(1025, 0x61));
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG', closeCode: 1009 });
    expect((await big.closed).code).toBe(1009);
    expect(server.failed[0]?.destroyed).toBe(true);
    expect(await other.roundTrip('still here')).toBe('still here');
    const after = await session(server.url, lines());
    expect(await after.roundTrip('next')).toBe('next');
    await Promise.all([other.finish(), after.finish()]);
    expect(server.listener.counters).toMatchObject({ accepted: 3, refused: 0 });
    await server.stop();
  });

  it.each([
    ['over maxPayload', 1025n],
    ['over 2^53 - 1, which no JavaScript number holds', 2n ** 63n - 1n],
  ])(
    'a raw peer announcing a length %s is refused on the header alone with 1009, both ends agreeing',
    async (_name, length) => {
      const server = await echoServer(lp, { maxPayload: 1024 });
      const { socket, head } = await rawWebSocket(server.listener.port!);
      const outcome = received(socket, head);
      socket.write(frame(OP.binary, new Uint8Array(0), { length })); // the header, and no payload ever
      const [error] = await server.errors.reach(1);
      expect(error).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG', closeCode: 1009 });
      expect(closeCodeIn((await outcome).bytes)).toBe(1009);
      await server.stop();
    },
  );

  it('fragments each under maxPayload but over it together: 1009', async () => {
    const server = await echoServer(lp, { maxPayload: 1024 });
    const { socket, head } = await rawWebSocket(server.listener.port!);
    const outcome = received(socket, head);
    socket.write(frame(OP.binary, new Uint8Array(600), { fin: false }));
    socket.write(frame(OP.continuation, new Uint8Array(600), { fin: false }));
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG', closeCode: 1009 });
    expect(closeCodeIn((await outcome).bytes)).toBe(1009);
    await server.stop();
  });

  it('a message in too many fragments (ws keeps 16384): a policy violation, 1008, on both ends', async () => {
    const server = await echoServer(lp);
    const { socket, head } = await rawWebSocket(server.listener.port!);
    const outcome = received(socket, head);
    const empty = frame(OP.continuation, new Uint8Array(0), { fin: false });
    socket.write(Buffer.concat([frame(OP.binary, new Uint8Array(0), { fin: false }), ...Array(16_384).fill(empty)]));
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_WS_CLOSED', closeCode: 1008 });
    expect(closeCodeIn((await outcome).bytes)).toBe(1008);
    await server.stop();
  });

  it('a plain ws server sending a Sluice client more than its maxPayload: the good messages, then ERR_WS_MESSAGE_TOO_BIG', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await within(new Promise((resolve) => wss.once('listening', resolve)), 5000, 'listening');
    const peerClosed = signal<number>();
    wss.on('connection', (ws) => {
      ws.on('close', (code) => peerClosed.resolve(code));
      ws.send(JSON.stringify({ n: 1 }));
      ws.send(JSON.stringify({ pad: 'x'.repeat(2000) }));
      ws.send(JSON.stringify({ n: 2 })); // never read: the connection is over
    });
    const conn = await connect(url((wss.address() as { port: number }).port), { maxPayload: 1024 });
    const got: unknown[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const value of conn.framed(json({ framing: messages() }))) got.push(value);
      })(),
    );
    expect(error).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG', closeCode: 1009 });
    expect(got).toEqual([{ n: 1 }]);
    expect(conn.destroyed).toBe(true);
    expect(await within(peerClosed.promise, 5000, 'the server seeing the close')).toBe(1009);
    await new Promise((resolve) => wss.close(resolve));
  });
});
