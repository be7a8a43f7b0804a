/** @sluice/rx: the RxJS bridges and operators, and socket subjects over loopback TCP and WebSocket. */
import assert from 'node:assert/strict';
import { check, deferred, runtime } from '../harness.mjs';
import { echoServer, LOOPBACK, sluice, sluiceRx } from './support.mjs';

const { collect, json, lines, pipe, ws } = sluice;
const { decodeWith, encodeWith, listen$, observe, socket$, toAsyncIterable, webSocket$ } = sluiceRx;

export async function checkRx() {
  let rxjs;
  let missing;
  try {
    rxjs = await import('rxjs');
  } catch (error) {
    missing = { [runtime]: `rxjs does not resolve (${error.message})` };
  }
  const { firstValueFrom, from, lastValueFrom, map, of, take, toArray } = rxjs ?? {};

  check('rx: observe, toAsyncIterable, encodeWith and decodeWith', { skip: missing }, async () => {
    async function* numbers() {
      yield* [1, 2, 3];
    }
    assert.deepEqual(await lastValueFrom(observe(numbers()).pipe(toArray())), [1, 2, 3]);
    assert.deepEqual(await pipe(toAsyncIterable(of('a', 'b')), collect()), ['a', 'b']);
    const bytes = await lastValueFrom(of({ a: 1 }, 'two').pipe(encodeWith(json()), toArray()));
    const back = await lastValueFrom(from(bytes).pipe(decodeWith(json()), toArray()));
    assert.deepEqual(back, [{ a: 1 }, 'two']);
  });

  check('rx: listen$ and socket$ echo over TCP', { skip: missing }, async (t) => {
    const listening = deferred();
    const server = listen$({ ...LOOPBACK, codec: lines(), onListening: listening.resolve }).subscribe({
      next: (sock) => sock.subscribe(sock),
      error: (error) => t.fail(error),
    });
    t.defer(() => server.unsubscribe());
    const { port } = await listening.promise;
    const client = socket$({ host: '127.0.0.1', port, codec: lines() });
    const replies = firstValueFrom(
      client.pipe(
        map((line) => line.toUpperCase()),
        toArray(),
      ),
    );
    from(['hello', 'rx']).subscribe(client);
    assert.deepEqual(await replies, ['HELLO', 'RX']);
  });

  check('rx: webSocket$ echo', { skip: missing }, async (t) => {
    const messages = () => json({ framing: ws.messages() });
    const { listener } = await echoServer(t, messages, {}, ws.listen);
    const subject = webSocket$({ url: `ws://127.0.0.1:${listener.port}/`, codec: messages() });
    // Not completed: on a WebSocket, closing is not a half-close, the server could answer nothing after it.
    const replies = firstValueFrom(subject.pipe(take(2), toArray()));
    subject.next({ n: 1 });
    subject.next({ n: 2 });
    assert.deepEqual(await replies, [{ n: 1 }, { n: 2 }]);
  });
}
