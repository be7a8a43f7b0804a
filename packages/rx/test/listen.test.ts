import net from 'node:net';
import { lines } from '@sluice/codec';
import { connect } from '@sluice/net';
import type { SocketCloseEvent } from '@sluice/rx';
import { listen$, type SocketSubject, socket$ } from '@sluice/rx';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ProcessGuard } from '../../../test-support/process-guard.js';
import { signal, until, within } from '../../../test-support/waits.js';
import { settle, socketHandles } from './support/resources.js';
import { BACKLOG, nodeServer, rxServer } from './support/servers.js';

describe('listen$', () => {
  it('serves an echo in one line, on the port it reports through onListening', async () => {
    let port = 0;
    const server = listen$({
      host: '127.0.0.1',
      port: 0,
      codec: lines(),
      onListening: (a) => (port = 'port' in a ? a.port : 0),
    }).subscribe((sock) => sock.subscribe(sock));
    await until(() => port !== 0, 'onListening');
    const client = socket$({ host: '127.0.0.1', port, codec: lines() });
    const replies = lastValueFrom(client.pipe(toArray()));
    for (const line of ['ping', 'pong']) client.next(line);
    client.complete();
    await expect(replies).resolves.toEqual(['ping', 'pong']);
    server.unsubscribe();
  });

  it('emits one subject per accepted connection, already connected', async () => {
    const server = await rxServer(lines(), () => {});
    const a = await connect({ host: '127.0.0.1', port: server.port });
    const b = await connect({ host: '127.0.0.1', port: server.port });
    await until(() => server.accepted.length === 2, 'the server accepting two connections');
    expect(server.accepted[0]).not.toBe(server.accepted[1]);
    server.subscription.unsubscribe();
    await Promise.all([a.closed, b.closed].map((closed, i) => ([a, b][i]!.close(), closed)));
  });

  it('closes the listener when unsubscribed: later connects are refused', async () => {
    const server = await rxServer(lines());
    server.subscription.unsubscribe();
    await settle(socketHandles, (h) => h.servers === 0);
    await expect(connect({ host: '127.0.0.1', port: server.port })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('closes every accepted connection when unsubscribed, subscribed or not: subscribers complete, peers see the end', async () => {
    const firstReads: Promise<string[]>[] = [];
    const server = await rxServer(lines(), (sock) => {
      if (firstReads.length === 0) firstReads.push(lastValueFrom(sock.pipe(toArray())));
    });
    const watched = await connect({ host: '127.0.0.1', port: server.port });
    await until(() => server.accepted.length === 1, 'the server accepting a connection');
    const ignored = await connect({ host: '127.0.0.1', port: server.port });
    await until(() => server.accepted.length === 2, 'the server accepting two connections');
    await watched.write('before shutdown\n');
    await until(() => server.accepted[0]!.connection?.counters.framesIn === 1, 'the first frame at the server');
    server.subscription.unsubscribe();
    await expect(firstReads[0]).resolves.toEqual(['before shutdown']);
    for (const client of [watched, ignored]) {
      for await (const _ of client) void _; // reads to the end: the server closed its side
      await client.close();
    }
    await settle(socketHandles, (h) => h.sockets === 0 && h.servers === 0);
    expect(socketHandles()).toEqual({ sockets: 0, servers: 0 });
  });

  it('closes an accepted connection when the last subscriber of its subject leaves', async () => {
    let sub: { unsubscribe(): void } | undefined;
    const server = await rxServer(lines(), (sock) => (sub = sock.subscribe()));
    const client = await connect({ host: '127.0.0.1', port: server.port });
    await until(() => sub !== undefined, 'the server subscribing to the accepted subject');
    sub?.unsubscribe();
    for await (const _ of client) void _; // the server's FIN ends this loop
    await client.close();
    server.subscription.unsubscribe();
  });

  it('cannot reconnect an accepted subject: subscribing after its end errors with ERR_CLOSED', async () => {
    const server = await rxServer(lines(), () => {});
    const client = await connect({ host: '127.0.0.1', port: server.port });
    await until(() => server.accepted.length === 1, 'the server accepting a connection');
    const sock = server.accepted[0] as SocketSubject<string>;
    await client.write('only\n');
    await client.closeWrite();
    await expect(lastValueFrom(sock.pipe(toArray()))).resolves.toEqual(['only']);
    await expect(firstValueFrom(sock)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await client.close();
    server.subscription.unsubscribe();
  });

  it('errors with EADDRINUSE when the port is taken', async () => {
    const taken = await nodeServer();
    const failure = new Promise((resolve) =>
      listen$({ host: '127.0.0.1', port: taken.port, codec: lines() }).subscribe({ error: resolve }),
    );
    await expect(failure).resolves.toMatchObject({ code: 'EADDRINUSE' });
    await taken.close();
  });

  it('errors with what onListening throws, and closes the listener; nothing reaches the process', async () => {
    const guard = new ProcessGuard();
    const failure = new Promise((resolve) =>
      listen$({
        host: '127.0.0.1',
        port: 0,
        codec: lines(),
        onListening: () => {
          throw new Error('no thanks');
        },
      }).subscribe({ error: resolve }),
    );
    await expect(failure).resolves.toMatchObject({ message: 'no thanks' });
    expect((await settle(socketHandles, (h) => h.servers === 0)).servers).toBe(0);
    expect(await guard.stop()).toEqual([]);
  });

  it('refuses a bad capacity (ERR_OUT_OF_RANGE) or overflow policy (ERR_INVALID_ARG) at once', () => {
    expect(() => listen$({ port: 0, codec: lines(), capacity: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => listen$({ port: 0, codec: lines(), overflow: 'wait' as never })).toThrow(/overflow must be/);
  });

  it('refuses options, a codec, a closeObserver or an onListening of the wrong kind with ERR_INVALID_ARG at once', () => {
    for (const options of [
      undefined,
      null,
      { port: 0, codec: lines },
      { port: 0 },
      { port: 0, codec: lines(), closeObserver: 5 },
      { port: 0, codec: lines(), onListening: 5 },
    ]) {
      expect(() => listen$(options as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    }
    expect(() => listen$({ port: 0, codec: undefined as never })).toThrow(
      'listen$(): codec must be a codec (an object with decoder() and encoder()), got undefined',
    );
  });

  it('a client that stops reading cannot kill the server: the close cut off by closeTimeout is recorded, and it serves on', async () => {
    const guard = new ProcessGuard();
    const closed = signal<SocketCloseEvent>();
    const accepted: SocketSubject<string>[] = [];
    const listening = signal<number>();
    const server = listen$({
      host: '127.0.0.1',
      port: 0,
      codec: lines(),
      closeTimeout: 50,
      capacity: BACKLOG.length,
      closeObserver: { next: closed.resolve },
      onListening: (address) => listening.resolve('port' in address ? address.port : 0),
    }).subscribe((sock) => {
      accepted.push(sock);
      if (accepted.length > 1) return void sock.subscribe(sock); // later clients: an echo
      const subscription = sock.subscribe();
      void until(() => sock.connection !== undefined, 'the subject connecting').then(() => {
        for (const line of BACKLOG) sock.next(line);
        subscription.unsubscribe(); // the last subscriber leaves with frames unsent; nobody awaits the close
      });
    });
    const port = await listening.promise;
    const stalled = net.connect(port, '127.0.0.1');
    stalled.pause(); // never reads
    stalled.on('error', () => {});
    try {
      const event = await within(closed.promise, 5000, 'the stalled connection closing');
      expect(event).toMatchObject({ wasClean: false, error: { code: 'ERR_CLOSE_TIMEOUT' } });
      expect(event.connection.error).toMatchObject({ code: 'ERR_CLOSE_TIMEOUT' });
      const client = socket$({ host: '127.0.0.1', port, codec: lines() });
      const reply = firstValueFrom(client);
      client.next('still here');
      await expect(reply).resolves.toBe('still here');
    } finally {
      stalled.destroy();
      server.unsubscribe();
      expect(await guard.stop()).toEqual([]);
    }
    expect(guard.reported).toEqual([]);
  });
});
