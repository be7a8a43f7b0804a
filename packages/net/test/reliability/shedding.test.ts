/**
 * Shedding: connections that cost without contributing are closed, and
 * excess connections are refused at once instead of piling up. Each time the
 * listener and the other connections carry on.
 */

import { lines } from '@sluice/codec';
import { type Connection, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { checkHandlesReleased, socketHandles } from '../../../../test-support/handles.js';
import { outcomeOf, received } from '../../../../test-support/raw-sockets.js';
import { ErrorLog, signal, until } from '../../../../test-support/waits.js';
import { echoServer, session } from '../support/echo.js';
import { rawClient } from '../support/peers.js';

const handles = checkHandlesReleased();

describe('idleTimeout', () => {
  it('sheds a peer that connects and says nothing with ERR_IDLE_TIMEOUT; a chatty one on the same listener stays', async () => {
    const idle = 150;
    const server = await echoServer(lines(), { idleTimeout: idle });
    const chatty = await session(server.listener, lines());
    const silent = await rawClient(server.listener);
    const silentOutcome = received(silent);
    let shed = false;
    void silentOutcome.then(() => (shed = true));
    const started = performance.now();
    let pings = 0;
    while (!shed) {
      expect(await chatty.roundTrip(`ping ${pings}`)).toBe(`ping ${pings}`);
      pings++;
      // Pace the pings well inside the idle timeout (or stop at once when the silent one is shed).
      await Promise.race([silentOutcome, new Promise((resolve) => setTimeout(resolve, idle / 5))]);
    }
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_IDLE_TIMEOUT', timeout: idle });
    expect((await silentOutcome).bytes.length).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(idle * 0.9);
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(await chatty.roundTrip('still here')).toBe('still here');
    await chatty.finish();
    await server.stop();
  });

  it('sheds a peer that stops reading: the blocked write rejects with ERR_IDLE_TIMEOUT', async () => {
    const errors = new ErrorLog();
    const listener = await listen({ host: '127.0.0.1', port: 0, idleTimeout: 200 });
    const served = listener.serve(
      async (conn) => {
        const chunk = new Uint8Array(64 * 1024);
        for (;;) await conn.write(chunk);
      },
      { onError: errors.push },
    );
    const stalled = await rawClient(listener); // reads nothing
    const outcome = outcomeOf(stalled);
    const [error] = await errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_IDLE_TIMEOUT' });
    stalled.resume();
    await outcome;
    await listener.close();
    await served;
  });

  it('a dribbling peer (slowloris) keeps idleTimeout at bay, but a deadline on the read sheds it with ABORT_ERR', async () => {
    const idle = 200;
    const deadline = 500;
    const errors = new ErrorLog();
    const listener = await listen({ host: '127.0.0.1', port: 0, idleTimeout: idle });
    const served = listener.serve(
      async (conn) => {
        const io = conn.framed(lines(), { signal: AbortSignal.timeout(deadline) });
        for await (const line of io) await io.write(line);
      },
      { onError: errors.push },
    );
    const dribbler = await rawClient(listener);
    const outcome = received(dribbler);
    const started = performance.now();
    const drip = setInterval(() => dribbler.write('a'), idle / 4); // a byte well inside every idle period, never a newline
    try {
      const [error] = await errors.reach(1);
      expect(error).toMatchObject({ code: 'ABORT_ERR' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(deadline * 0.9); // idleTimeout never fired
      await outcome;
    } finally {
      clearInterval(drip);
    }
    await listener.close();
    await served;
  });
});

describe('maxConnections', () => {
  it('refuses the excess at once, without an answer; the held ones carry on and a freed slot is reused', async () => {
    const freed: Promise<void>[] = [];
    const listener = await listen({ host: '127.0.0.1', port: 0, maxConnections: 3 });
    const served = listener.serve(async (conn: Connection) => {
      freed.push(conn.closed);
      const io = conn.framed(lines());
      for await (const line of io) await io.write(line);
    });
    const held = await Promise.all([0, 1, 2].map(() => session(listener, lines())));
    for (const s of held) expect(await s.roundTrip('hi')).toBe('hi');
    const excess = await rawClient(listener);
    const refused = received(excess);
    excess.write('let me in\n');
    const { bytes, outcome } = await refused;
    expect(bytes.length).toBe(0);
    expect(['end', 'ECONNRESET', 'closed']).toContain(outcome);
    expect(listener.counters.refused).toBe(1);
    for (const s of held) expect(await s.roundTrip('still served')).toBe('still served');
    await held[0]!.finish();
    await freed[0]; // the server side of the first session is closed: its slot is free
    const next = await session(listener, lines());
    expect(await next.roundTrip('took the free slot')).toBe('took the free slot');
    for (const s of [...held.slice(1), next]) await s.finish();
    expect(listener.counters).toMatchObject({ accepted: 4, refused: 1 });
    await listener.close();
    await served;
  });
});

describe('acceptCapacity', () => {
  it('a consumer that does not accept holds at most acceptCapacity sockets; the excess is refused, the queued still work', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, acceptCapacity: 4 });
    const clients = await Promise.all(Array.from({ length: 12 }, () => rawClient(listener)));
    const outcomes = clients.map((client) => received(client));
    let closed = 0;
    for (const outcome of outcomes) void outcome.then(() => closed++);
    await until(() => closed === 8, 'the 8 excess connections being refused');
    expect(listener.counters).toMatchObject({ accepted: 4, refused: 8 });
    // Held in memory: the listening socket, 4 queued server-side sockets and the 4 clients still open.
    expect(socketHandles()).toBe(handles.baseline + 1 + 4 + 4);
    const answered = signal();
    let served = 0;
    for (let i = 0; i < 4; i++) {
      const conn = (await listener.accept())!;
      void (async () => {
        await conn.write('served');
        await conn.close();
        if (++served === 4) answered.resolve();
      })();
    }
    await answered.promise;
    const results = await Promise.all(outcomes);
    expect(results.filter((r) => String(r.bytes) === 'served')).toHaveLength(4);
    expect(results.filter((r) => r.bytes.length === 0)).toHaveLength(8);
    await listener.close();
  });
});
