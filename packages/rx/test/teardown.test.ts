import { lines } from '@sluice/codec';
import { connect } from '@sluice/net';
import { observe, socket$, toAsyncIterable } from '@sluice/rx';
import { firstValueFrom, lastValueFrom, retry, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../../test-support/waits.js';
import { handlesSettleTo, settle, socketHandles, tcpHandles } from './support/resources.js';
import { nodeServer, rxServer, sawHangUp } from './support/servers.js';

/**
 * Every test starts and must end with no TCP handle alive in this process:
 * `process.getActiveResourcesInfo()` counts them, checked turn by turn of the
 * event loop until they settle.
 */
describe('teardown releases sockets and listeners', () => {
  beforeEach(async () => {
    expect(await handlesSettleTo(0)).toBe(0);
  });
  afterEach(async () => {
    expect(await handlesSettleTo(0)).toBe(0);
  });

  /** Only the listening socket should remain: everything accepted and dialled is gone. */
  const onlyTheListener = () => settle(socketHandles, (h) => h.sockets === 0 && h.servers === 1);

  it('take(n) on a socket subject closes its connection, and the server side follows', async () => {
    const server = await rxServer(lines()); // echo
    const client = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    const firstTwo = firstValueFrom(client.pipe(take(2), toArray()));
    for (const line of ['a', 'b', 'c', 'd']) client.next(line);
    await expect(firstTwo).resolves.toEqual(['a', 'b']);
    expect(await onlyTheListener()).toEqual({ sockets: 0, servers: 1 });
    server.subscription.unsubscribe();
  });

  it('unsubscribing while the connection waits for data closes it, and the server side follows', async () => {
    const server = await rxServer(lines());
    const client = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    const subscription = client.subscribe();
    await until(
      () => client.connection !== undefined && server.accepted.length === 1,
      'the client connected and the server accepting it',
    );
    expect(tcpHandles()).toBe(3);
    subscription.unsubscribe();
    expect(await onlyTheListener()).toEqual({ sockets: 0, servers: 1 });
    server.subscription.unsubscribe();
  });

  it('a decode error closes the client, and the server side follows', async () => {
    const server = await rxServer(lines(), (sock) => {
      sock.subscribe();
      sock.next('x'.repeat(100));
    });
    const client = socket$({ host: '127.0.0.1', port: server.port, codec: lines({ maxFrameLength: 10 }) });
    await expect(firstValueFrom(client)).rejects.toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    expect(await onlyTheListener()).toEqual({ sockets: 0, servers: 1 });
    server.subscription.unsubscribe();
  });

  it('retry() over reset connections leaves nothing behind, whether it succeeds or gives up', async () => {
    let attempts = 0;
    const server = await nodeServer((socket) => (++attempts % 3 === 0 ? socket.end('ok\n') : socket.resetAndDestroy()));
    const client = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    await expect(lastValueFrom(client.pipe(retry(5)))).resolves.toBe('ok');
    await expect(lastValueFrom(client.pipe(retry(1)))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(await onlyTheListener()).toEqual({ sockets: 0, servers: 1 });
    await server.close();
  });

  it('a refused connection leaves nothing behind, with or without retry()', async () => {
    const probe = await nodeServer();
    const port = probe.port;
    await probe.close();
    const client = socket$({ host: '127.0.0.1', port, codec: lines() });
    await expect(firstValueFrom(client.pipe(retry(3)))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('unsubscribing before the connection is up aborts connecting: it never opens', async () => {
    const server = await nodeServer();
    const opened: unknown[] = [];
    const errors: unknown[] = [];
    const client = socket$({
      host: '127.0.0.1',
      port: server.port,
      codec: lines(),
      openObserver: { next: (c) => opened.push(c) },
    });
    client.subscribe({ error: (e) => errors.push(e) }).unsubscribe();
    await server.close(); // afterEach proves that no socket is left on either side
    expect(await handlesSettleTo(0)).toBe(0);
    expect(opened).toEqual([]);
    expect(errors).toEqual([]);
    expect(client.connection).toBeUndefined();
  });

  it('breaking out of toAsyncIterable(subject) closes the connection', async () => {
    const server = await rxServer(lines());
    const client = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    client.next('one');
    client.next('two');
    for await (const line of toAsyncIterable(client)) {
      expect(line).toBe('one');
      break;
    }
    expect(await onlyTheListener()).toEqual({ sockets: 0, servers: 1 });
    server.subscription.unsubscribe();
  });

  it('unsubscribing from listen$ closes the listener and every accepted connection', async () => {
    const server = await rxServer(lines());
    const clients = await Promise.all([1, 2, 3].map(() => connect({ host: '127.0.0.1', port: server.port })));
    await until(() => server.accepted.length === 3, 'the server accepting three connections');
    expect(socketHandles()).toEqual({ sockets: 6, servers: 1 });
    server.subscription.unsubscribe();
    for (const client of clients) {
      for await (const _ of client) void _; // the server's FIN ends each loop
      await client.close();
    }
  });

  it('observe(conn) unsubscribed closes the connection; the peer sees the end', async () => {
    const server = await nodeServer();
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    const subscription = observe(conn).subscribe();
    const peer = await server.nextSocket();
    subscription.unsubscribe();
    await sawHangUp(peer);
    peer.end();
    await conn.closed;
    await server.close();
  });
});
