/** @sluice/ws over loopback: the Node build (on `ws`), its listener, wss, the heartbeat and its errors. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { check, deferred, rejection } from '../harness.mjs';
import { ask, assertSluiceError, echoServer, fixture, LOOPBACK, sluice } from './support.mjs';

const { drain, json, lines, pipe, ws } = sluice;

export function checkWs() {
  check('ws: 20 concurrent clients echo JSON messages and lines', async (t) => {
    assert.equal(typeof ws.listen, 'function', 'the Node build of @sluice/ws was loaded, not the browser one');
    const messages = () => json({ framing: ws.messages() });
    const { listener } = await echoServer(t, messages, { path: '/smoke' }, ws.listen);
    const url = `ws://127.0.0.1:${listener.port}/smoke`;
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const conn = await ws.connect(url, { timeout: 5000 });
        t.defer(() => conn.destroy());
        const values = Array.from({ length: 50 }, (_, n) => ({ i, n, text: 'ü🎉' }));
        assert.deepEqual(await ask(conn.framed(messages()), values), values);
        await conn.close();
      }),
    );
    const { listener: lineListener } = await echoServer(t, lines, {}, ws.listen);
    const conn = await ws.connect(`ws://127.0.0.1:${lineListener.port}/`, { timeout: 5000 });
    t.defer(() => conn.destroy());
    assert.deepEqual(await ask(conn.framed(lines()), ['a', 'b']), ['a', 'b']);
    await conn.close();
  });

  check('ws: a wrong path is ERR_WS_UPGRADE_REFUSED (404)', async (t) => {
    const { listener } = await echoServer(t, lines, { path: '/right' }, ws.listen);
    const error = await rejection(ws.connect(`ws://127.0.0.1:${listener.port}/wrong`, { timeout: 5000 }), 'connect');
    assertSluiceError(error, 'ERR_WS_UPGRADE_REFUSED');
    assert.equal(error.status, 404);
  });

  check('ws: a message over maxPayload closes with ERR_WS_MESSAGE_TOO_BIG', async (t) => {
    const listener = await ws.listen({ ...LOOPBACK, maxPayload: 1024 });
    t.defer(() => listener.close());
    const served = deferred();
    void listener.serve(async (conn) => {
      served.resolve(await rejection(conn.framed(ws.messages()).read(), 'the server reading'));
    });
    const conn = await ws.connect(`ws://127.0.0.1:${listener.port}/`, { timeout: 5000 });
    t.defer(() => conn.destroy());
    const io = conn.framed(ws.messages());
    await io.write(new Uint8Array(4096));
    assertSluiceError(await rejection(io.read(), 'reading after an oversized message'), 'ERR_WS_MESSAGE_TOO_BIG');
    assertSluiceError(await served.promise, 'ERR_WS_MESSAGE_TOO_BIG');
  });

  check('ws: wss with a certificate signed by the test CA', async (t) => {
    const tls = { key: fixture('server.key'), cert: fixture('server.crt') };
    const { listener } = await echoServer(t, lines, { tls }, ws.listen);
    const conn = await ws.connect(`wss://127.0.0.1:${listener.port}/`, {
      tls: { ca: fixture('ca.crt') },
      timeout: 5000,
    });
    t.defer(() => conn.destroy());
    assert.deepEqual(await ask(conn.framed(lines()), ['secure']), ['secure']);
    await conn.close();
  });

  check('ws: a peer that stops answering pings is shed by the heartbeat', async (t) => {
    const listener = await ws.listen({ ...LOOPBACK, heartbeat: 100 });
    t.defer(() => listener.close());
    const shed = deferred();
    void listener.serve(async (conn) => shed.resolve(await rejection(pipe(conn, drain()), 'reading')));
    // A hand-written upgrade: the socket then reads the pings and never answers them.
    const socket = net.connect(listener.port, '127.0.0.1');
    t.defer(() => socket.destroy());
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    socket.resume();
    assertSluiceError(await shed.promise, 'ERR_WS_ABNORMAL_CLOSE');
    await closed;
    assert.equal(listener.counters.unresponsive, 1);
  });
}
