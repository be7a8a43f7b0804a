/**
 * WebSocket peers that close abruptly mid-frame, over real loopback sockets: a
 * raw TCP client or server that speaks the opening handshake, then is cut off
 * (FIN or RST) inside a WebSocket frame or inside a codec frame, or closes
 * properly (1000) inside a codec frame, against a Sluice server or client.
 * Each fault must reach the code waiting on that connection as a coded error
 * (any good frames first), close that connection, and leave the listener and
 * every other connection working; no socket may be left behind.
 */
import { connect } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { bytes } from '../../../test-support/chunking.js';
import { checkHandlesReleased } from '../../../test-support/handles.js';
import { received } from '../../../test-support/raw-sockets.js';
import { within } from '../../../test-support/waits.js';
import { echoServer, session } from './support/echo.js';
import { lp } from './support/faults.js';
import {
  closePayload,
  frame,
  OP,
  parseFrames,
  rawWebSocket,
  rawWebSocketServer,
  rejectionOf,
} from './support/peers.js';

checkHandlesReleased(); // after every fault, every socket and server handle is released

/** The bytes of `frames` under the 4-byte length prefix. */
const lpWire = (...frames: Uint8Array[]) => Buffer.concat(frames.map((f) => lp.encoder().encode(f)));
describe('a peer that closes abruptly mid-frame', () => {
  it.each(['FIN', 'RST'] as const)(
    'a raw client cut off (%s) inside a WebSocket frame: the echo of the whole frame first, then ERR_WS_ABNORMAL_CLOSE or ECONNRESET; others carry on',
    async (how) => {
      const server = await echoServer(lp);
      const other = await session(server.url, lp);
      const { socket, head } = await rawWebSocket(server.listener.port!);
      const outcome = received(socket, head);
      const half = frame(OP.binary, lpWire(new Uint8Array(1000)));
      socket.write(Buffer.concat([frame(OP.binary, lpWire(bytes('whole'))), half.subarray(0, half.length / 2)]));
      await within(new Promise((resolve) => socket.once('data', resolve)), 5000, 'the echo');
      if (how === 'RST') socket.resetAndDestroy();
      else socket.destroy();
      const [error] = await server.errors.reach(1);
      expect(['ERR_WS_ABNORMAL_CLOSE', 'ECONNRESET']).toContain((error as { code?: string }).code);
      const echoed = parseFrames((await outcome).bytes);
      expect(echoed.map((f) => f.payload)).toEqual([lpWire(bytes('whole'))]);
      expect(await other.roundTrip(bytes('still here'))).toEqual(bytes('still here'));
      await other.finish();
      await server.stop();
    },
  );

  it('a raw client cut off between messages but inside a codec frame: ERR_WS_ABNORMAL_CLOSE, not a truncation', async () => {
    const server = await echoServer(lp);
    const { socket, head } = await rawWebSocket(server.listener.port!);
    const outcome = received(socket, head);
    const wire = lpWire(bytes('first'), new Uint8Array(100));
    socket.write(frame(OP.binary, wire.subarray(0, 30))); // a whole message: one frame and a part of the next
    await within(new Promise((resolve) => socket.once('data', resolve)), 5000, 'the echo');
    socket.destroy();
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_WS_ABNORMAL_CLOSE', closeCode: 1006 });
    await outcome;
    await server.stop();
  });

  it.each(['FIN', 'RST'] as const)(
    'a raw server cut off (%s) inside a WebSocket frame: a Sluice client reads the whole frames, then ERR_WS_ABNORMAL_CLOSE or ECONNRESET',
    async (how) => {
      const server = await rawWebSocketServer((socket) => {
        const half = frame(OP.binary, lpWire(new Uint8Array(100)), { mask: false });
        socket.write(
          Buffer.concat([
            frame(OP.binary, lpWire(bytes('one'), bytes('two')), { mask: false }),
            half.subarray(0, half.length / 2),
          ]),
        );
        socket.once('data', () => (how === 'RST' ? socket.resetAndDestroy() : socket.destroy()));
      });
      const conn = await connect(server.url);
      const got: string[] = [];
      await conn.write('go');
      const error = await rejectionOf(
        (async () => {
          for await (const frame of conn.framed(lp)) got.push(Buffer.from(frame).toString());
        })(),
      );
      expect(['ERR_WS_ABNORMAL_CLOSE', 'ECONNRESET']).toContain((error as { code?: string }).code);
      expect(got).toEqual(['one', 'two']);
      expect(conn.destroyed).toBe(true);
      await server.close();
    },
  );

  it('a raw server that closes properly (1000) inside a codec frame: the whole frames, then ERR_TRUNCATED_FRAME', async () => {
    const server = await rawWebSocketServer((socket) => {
      const wire = lpWire(bytes('one'), new Uint8Array(50));
      socket.write(frame(OP.binary, wire.subarray(0, 20), { mask: false }));
      socket.end(frame(OP.close, closePayload(1000), { mask: false }));
    });
    const conn = await connect(server.url);
    const got: string[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const frame of conn.framed(lp)) got.push(Buffer.from(frame).toString());
      })(),
    );
    expect(error).toMatchObject({ code: 'ERR_TRUNCATED_FRAME', buffered: 13 });
    expect(got).toEqual(['one']);
    await server.close();
  });
});
