/**
 * `webSocket$` over real loopback WebSockets, and RxJS's own `webSocket`
 * subject talking to a Sluice server: what users of RxJS's subject ask for
 * (reconnection that re-runs `openObserver`, close codes, binary frames, no
 * socket left after unsubscribing while connecting, a bounded buffer before
 * the socket opens).
 */
import { json, lengthPrefixed } from '@sluice/codec';
import { webSocket$ } from '@sluice/rx';
import { listen, messages } from '@sluice/ws';
import { firstValueFrom, lastValueFrom, retry, take, toArray } from 'rxjs';
import { webSocket } from 'rxjs/webSocket';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const url = (port: number | undefined) => `ws://127.0.0.1:${port}`;

/** A Sluice WebSocket server echoing JSON values, one per message. */
async function jsonEcho() {
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const served = listener.serve(async (conn) => {
    const io = conn.framed(json({ framing: messages() }));
    for await (const value of io) await io.write(value);
  });
  return { listener, stop: async () => (await listener.close(), await served) };
}

describe('webSocket$', () => {
  it('sends and receives JSON values one per message, frames given before the socket opens included', async () => {
    const server = await jsonEcho();
    const subject = webSocket$<unknown>({ url: url(server.listener.port), codec: json({ framing: messages() }) });
    const echoed = lastValueFrom(subject.pipe(take(3), toArray()));
    subject.next({ n: 1 }); // before the connection is up: buffered, bounded
    subject.next([2]);
    subject.next('three');
    expect(await echoed).toEqual([{ n: 1 }, [2], 'three']);
    await server.stop();
  });

  it('carries binary frames with a binary codec', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    void listener.serve(async (conn) => {
      const io = conn.framed(lengthPrefixed());
      for await (const frame of io) await io.write(frame.reverse());
    });
    const subject = webSocket$({ url: url(listener.port), codec: lengthPrefixed() });
    const reply = firstValueFrom(subject);
    subject.next(Uint8Array.of(1, 2, 3));
    expect([...(await reply)]).toEqual([3, 2, 1]);
    await listener.close();
  });

  it('retry() reconnects and runs openObserver again on every connection', async () => {
    let connections = 0;
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    void listener.serve(async (conn) => {
      connections++;
      const io = conn.framed(json({ framing: messages() }));
      const hello = await io.read();
      await io.write({ welcome: connections, hello });
      if (connections < 3) conn.destroy(); // drop the first two: an abnormal close for the client
    });
    let opened = 0;
    const subject = webSocket$<unknown>({
      url: url(listener.port),
      codec: json({ framing: messages() }),
      openObserver: { next: () => subject.next(`open ${++opened}`) },
    });
    const got = await lastValueFrom(subject.pipe(retry(2), take(3), toArray()));
    expect(got).toEqual([
      { welcome: 1, hello: 'open 1' },
      { welcome: 2, hello: 'open 2' },
      { welcome: 3, hello: 'open 3' },
    ]);
    expect(opened).toBe(3);
    await listener.close();
  });

  it('a close other than normal is an error notification with its close code', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, maxPayload: 64 });
    void listener.serve(
      async (conn) => {
        for await (const _ of conn) {
          // the oversized message closes it with 1009
        }
      },
      { onError: () => {} },
    );
    const subject = webSocket$<unknown>({ url: url(listener.port), codec: json({ framing: messages() }) });
    const failed = firstValueFrom(subject).catch((error: unknown) => error);
    subject.next({ big: 'x'.repeat(1000) });
    expect(await failed).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG', closeCode: 1009 });
    await listener.close();
  });

  it('unsubscribing while connecting leaves no socket behind', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    let accepted = 0;
    void listener.serve(
      async (conn) => {
        accepted++;
        for await (const _ of conn) {
          // until the client goes (it drops the connection: an abnormal close, not reported here)
        }
      },
      { onError: () => {} },
    );
    const subject = webSocket$({ url: url(listener.port), codec: json({ framing: messages() }) });
    subject.subscribe().unsubscribe(); // at once, mid-handshake
    // A later subscription connects and ends normally; the aborted one never became a connection.
    const later = webSocket$<unknown>({ url: url(listener.port), codec: json({ framing: messages() }) });
    const sub = later.subscribe();
    while (accepted < 1) await new Promise((resolve) => setImmediate(resolve));
    sub.unsubscribe();
    await listener.close();
    expect(listener.counters.accepted).toBeLessThanOrEqual(2);
    expect(subject.connection).toBeUndefined();
  });
});

describe("RxJS's own webSocket subject against a Sluice server", () => {
  it('exchanges JSON values both ways, one per message', async () => {
    const server = await jsonEcho();
    const subject = webSocket<unknown>({ url: url(server.listener.port), WebSocketCtor: WebSocket as never });
    const echoed = lastValueFrom(subject.pipe(take(2), toArray()));
    subject.next({ from: 'rxjs' });
    subject.next([1, 2, 3]);
    expect(await echoed).toEqual([{ from: 'rxjs' }, [1, 2, 3]]);
    await server.stop();
  });
});
