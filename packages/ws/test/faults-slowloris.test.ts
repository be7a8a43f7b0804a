/**
 * Slowloris WebSocket clients, over real loopback sockets: one that completes
 * the handshake and sends nothing, one that never finishes its upgrade
 * request, a plain HTTP request without an upgrade, and a silent plain `ws`
 * client that answers the heartbeat's pings. Each is shed (with a coded error
 * for the code waiting on its connection) or refused, takes nothing from the
 * clients that talk, and leaves no socket behind.
 */
import { once } from 'node:events';
import net from 'node:net';
import { lines } from '@sluice/codec';
import { connect, listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { checkHandlesReleased } from '../../../test-support/handles.js';
import { received } from '../../../test-support/raw-sockets.js';
import { within } from '../../../test-support/waits.js';
import { echoServer, plainClient, session, url } from './support/echo.js';
import { rawWebSocket } from './support/peers.js';

checkHandlesReleased(); // after every fault, every socket and server handle is released

describe('a slowloris client', () => {
  it('one that completes the handshake and sends nothing is shed with ERR_IDLE_TIMEOUT; a chatty one on the same listener stays', async () => {
    const idle = 150;
    const server = await echoServer(lines(), { idleTimeout: idle });
    const chatty = await session(server.url, lines());
    const { socket, head } = await rawWebSocket(server.listener.port!);
    const silent = received(socket, head);
    let shed = false;
    void silent.then(() => (shed = true));
    const started = performance.now();
    let pings = 0;
    while (!shed) {
      expect(await chatty.roundTrip(`ping ${pings}`)).toBe(`ping ${pings}`);
      pings++;
      // Pace the pings well inside the idle timeout (or stop at once when the silent one is shed).
      await Promise.race([silent, new Promise((resolve) => setTimeout(resolve, idle / 5))]);
    }
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_IDLE_TIMEOUT', timeout: idle });
    expect((await silent).bytes.length).toBe(0); // cut off: not even a close frame
    expect(performance.now() - started).toBeGreaterThanOrEqual(idle * 0.9);
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(await chatty.roundTrip('still here')).toBe('still here');
    await chatty.finish();
    await server.stop();
  });

  it.each([
    ['sends nothing at all', ''],
    ['never finishes its upgrade request', 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'],
  ])('one that %s is no connection, takes no slot, and close() releases its socket', async (_name, sent) => {
    const listener = await listen({ host: '127.0.0.1', port: 0, maxConnections: 1 });
    const stalled = net.connect({ host: '127.0.0.1', port: listener.port! });
    stalled.on('error', () => {});
    await within(once(stalled, 'connect'), 5000, 'connecting');
    stalled.write(sent);
    const outcome = received(stalled);
    // The one slot is still free for a real client.
    const accepted = listener.accept();
    const client = await connect(url(listener.port));
    const conn = (await accepted)!;
    await client.write('hi');
    expect(new TextDecoder().decode((await conn[Symbol.asyncIterator]().next()).value)).toBe('hi');
    expect(listener.counters).toMatchObject({ accepted: 1, refused: 0 });
    await listener.close();
    // Not left open until Node's header timeout (60 s): the listener's own server closes it with itself.
    expect((await within(outcome, 5000, 'the stalled socket closing')).bytes.length).toBe(0);
    expect(client.destroyed).toBe(false); // a connection handed out is its owner's
    await client.write('still open');
    expect(new TextDecoder().decode((await conn[Symbol.asyncIterator]().next()).value)).toBe('still open');
    await Promise.all([client.close(), conn.close()]);
  });

  it('a plain HTTP request (no upgrade) is answered 426 at once and its socket closed, not held open', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const socket = net.connect({ host: '127.0.0.1', port: listener.port! });
    socket.on('error', () => {});
    await within(once(socket, 'connect'), 5000, 'connecting');
    const outcome = received(socket);
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'); // keep-alive by default: only an answer ends it
    const { bytes: answer } = await within(outcome, 5000, 'the answer and the close');
    expect(String(answer)).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
    expect(listener.counters).toMatchObject({ accepted: 0 });
  });

  it('answering the heartbeat’s pings is not activity: a silent plain ws client is still shed by idleTimeout', async () => {
    const server = await echoServer(lines(), { idleTimeout: 200, heartbeat: 40 });
    const silent = await plainClient(server.url); // ws answers every ping by itself
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_IDLE_TIMEOUT' });
    expect((await silent.closed).code).toBe(1006);
    expect(server.listener.counters.unresponsive).toBe(0); // it did answer: the heartbeat had no reason to drop it
    await server.stop();
  });
});
