/**
 * `@sluice/ws` facing peers that go quiet, over real loopback WebSockets: a
 * writer whose peer stopped reading is held back (memory stays bounded), and
 * the listener's heartbeat sheds a peer that stopped answering pings but
 * leaves alone a live client whose server only writes.
 */
import { once } from 'node:events';
import { connect, listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { url } from './support/echo.js';

describe('@sluice/ws', () => {
  it('a writer facing a peer that stopped reading is held back: memory stays bounded', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    let accepted = 0;
    const done = new AbortController();
    void listener.serve(async (conn) => {
      const chunk = new Uint8Array(16 * 1024);
      try {
        for (let i = 0; i < 4096 && !done.signal.aborted; i++) {
          await conn.write(chunk, { signal: done.signal });
          accepted++;
        }
      } catch {
        // aborted below
      }
    });
    const raw = new WebSocket(url(listener.port));
    await once(raw, 'open');
    raw.pause(); // a browser tab that stopped reading
    let last = -1;
    while (last !== accepted) {
      last = accepted;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // 64 MiB were offered; what got through is the socket buffers and ws's bound, a few MiB at most.
    expect(accepted * 16 * 1024).toBeLessThan(16 * 1024 * 1024);
    done.abort();
    raw.terminate();
  });

  it('the heartbeat leaves alone a live client whose server only writes (its socket paused, its pongs unread)', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, heartbeat: 30 });
    const stop = new AbortController();
    void listener.serve(async (conn) => {
      try {
        while (!stop.signal.aborted) {
          await conn.write('tick\n', { signal: stop.signal });
          await new Promise((resolve) => setImmediate(resolve)); // a tick at a time, not a busy loop
        }
      } catch {
        // stopped, or the connection went
      }
    });
    await using conn = await connect(url(listener.port));
    // Read for ten heartbeat periods: a live client must not be shed meanwhile.
    const until = Date.now() + 300;
    for await (const _ of conn.reader({ keepOpen: true })) if (Date.now() > until) break;
    expect(listener.counters.unresponsive).toBe(0);
    expect(conn.destroyed).toBe(false);
    stop.abort();
    conn.destroy(); // the server never reads, so it would not see a close frame: end at once
  });

  it('the heartbeat sheds a peer that stopped answering pings', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, heartbeat: 50 });
    const outcome = new Promise<unknown>((resolve) => {
      void listener.serve(async (conn) => {
        try {
          for await (const _ of conn) {
            // a silent peer: nothing arrives
          }
          resolve('ended');
        } catch (error) {
          resolve(error);
        }
      });
    });
    const silent = new WebSocket(url(listener.port), { autoPong: false });
    await once(silent, 'open');
    expect(await outcome).toMatchObject({ code: 'ERR_WS_ABNORMAL_CLOSE' });
    expect(listener.counters.unresponsive).toBe(1);
    silent.terminate();
  });
});
