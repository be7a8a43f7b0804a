import { lengthPrefixed, lines } from '@sluice/codec';
import type { Connection } from '@sluice/net';
import { type SocketCloseEvent, socket$ } from '@sluice/rx';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ProcessGuard } from '../../../test-support/process-guard.js';
import { signal, until, within } from '../../../test-support/waits.js';
import { BACKLOG, nodeServer, sawHangUp, seen, unreadingServer } from './support/servers.js';

/** Collects what a node:net peer receives, as text. */
function record(socket: import('node:net').Socket): { text: () => string } {
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  return { text: () => text };
}

describe('socket$', () => {
  it('connects on the first subscription only, once, and shares the connection among subscribers', async () => {
    const server = await nodeServer();
    const sock = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    expect(sock.connection).toBeUndefined();
    const first = lastValueFrom(sock.pipe(toArray()));
    const second = lastValueFrom(sock.pipe(toArray()));
    const peer = await server.nextSocket();
    peer.end('a\nb\n');
    await expect(first).resolves.toEqual(['a', 'b']);
    await expect(second).resolves.toEqual(['a', 'b']);
    expect(server.sockets).toHaveLength(1);
    await server.close();
  });

  it('sends frames given to next() before the connection is up, in order, once it is', async () => {
    const server = await nodeServer();
    const sock = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    sock.next('one');
    sock.next('two');
    const subscription = sock.subscribe();
    sock.next('three');
    const peer = record(await server.nextSocket());
    await until(() => peer.text() === 'one\ntwo\nthree\n', 'the three lines at the peer');
    subscription.unsubscribe();
    await server.close();
  });

  it('complete() half-closes after the waiting frames are written, and reading goes on until the peer ends', async () => {
    const server = await nodeServer((socket) => {
      const peer = record(socket);
      socket.on('end', () => socket.end(`got ${JSON.stringify(peer.text())}\n`));
    });
    const sock = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    const replies = lastValueFrom(sock.pipe(toArray()));
    sock.next('x');
    sock.next('y');
    sock.complete();
    sock.next('ignored after complete');
    await expect(replies).resolves.toEqual([String.raw`got "x\ny\n"`]);
    await server.close();
  });

  it('completes its subscribers when the peer ends, and closes the connection', async () => {
    const server = await nodeServer((socket) => socket.end('bye\n'));
    const closed: SocketCloseEvent[] = [];
    const sock = socket$({
      host: '127.0.0.1',
      port: server.port,
      codec: lines(),
      closeObserver: { next: (e) => closed.push(e) },
    });
    await expect(lastValueFrom(sock.pipe(toArray()))).resolves.toEqual(['bye']);
    await until(() => closed.length === 1, 'the closeObserver called');
    expect(closed[0]).toMatchObject({ wasClean: true });
    expect(sock.connection).toBeUndefined();
    await server.close();
  });

  it('closes the connection when the last subscriber leaves, not before', async () => {
    const server = await nodeServer();
    const sock = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    const a = sock.subscribe();
    const b = sock.subscribe();
    const peer = await server.nextSocket();
    let ended = false;
    peer.on('end', () => (ended = true));
    peer.resume();
    a.unsubscribe();
    peer.write('still open\n');
    await until(() => sock.connection?.counters.framesIn === 1, 'the first frame read');
    expect(ended).toBe(false);
    b.unsubscribe();
    await seen(peer, 'end');
    peer.end();
    await server.close();
  });

  it('error(e) destroys the connection at once and its subscribers get e', async () => {
    const server = await nodeServer();
    const sock = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    const failure = new Promise((resolve) => sock.subscribe({ error: resolve }));
    const peer = await server.nextSocket();
    await until(() => sock.connection !== undefined, 'the subject connecting');
    const boom = new Error('protocol violation');
    sock.error(boom);
    await expect(failure).resolves.toBe(boom);
    await sawHangUp(peer);
    await server.close();
  });

  it('tells openObserver and closeObserver about each connection, and exposes the current one', async () => {
    const server = await nodeServer((socket) => socket.end('hi\n'));
    const events: string[] = [];
    let opened: Connection | undefined;
    const sock = socket$({
      host: '127.0.0.1',
      port: server.port,
      codec: lines(),
      openObserver: { next: (conn) => (events.push('open'), (opened = conn)) },
      closeObserver: { next: (event) => events.push(`close ${event.connection === opened}`) },
    });
    const frames = lastValueFrom(sock.pipe(toArray()));
    await until(() => sock.connection !== undefined, 'the subject connecting');
    expect(sock.connection).toBe(opened);
    await frames;
    await until(() => events.length === 2, 'the open and close events');
    expect(events).toEqual(['open', 'close true']);
    await server.close();
  });

  it('errors with the connect error when nothing listens', async () => {
    const server = await nodeServer();
    const port = server.port;
    await server.close();
    const sock = socket$({ host: '127.0.0.1', port, codec: lines() });
    await expect(firstValueFrom(sock)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('errors with the codec error when incoming bytes do not decode, and the connection is destroyed', async () => {
    const server = await nodeServer((socket) => socket.write('much too long for the limit\n'));
    const sock = socket$({ host: '127.0.0.1', port: server.port, codec: lines({ maxFrameLength: 8 }) });
    await expect(firstValueFrom(sock)).rejects.toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    await sawHangUp(await server.nextSocket());
    await server.close();
  });

  it('destroys the connection with the codec error when a frame cannot be encoded', async () => {
    const server = await nodeServer();
    const sock = socket$({ host: '127.0.0.1', port: server.port, codec: lengthPrefixed({ width: 1 }) });
    const failure = new Promise((resolve) => sock.subscribe({ error: resolve }));
    await until(() => sock.connection !== undefined, 'the subject connecting');
    sock.next(new Uint8Array(1000));
    await expect(failure).resolves.toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    await sawHangUp(await server.nextSocket());
    await server.close();
  });

  it("fails the connecting subscribers with ERR_OVERFLOW when more than capacity frames wait under 'error'", async () => {
    const server = await nodeServer();
    const sock = socket$({ host: '127.0.0.1', port: server.port, codec: lines(), capacity: 2 });
    const failure = firstValueFrom(sock);
    for (const line of ['a', 'b', 'c']) sock.next(line);
    await expect(failure).rejects.toMatchObject({ code: 'ERR_OVERFLOW', limit: 2 });
    await server.close();
  });

  it('hands an overflow that happened with nobody subscribed to the next subscriber, then starts afresh', async () => {
    const server = await nodeServer((socket) => socket.end('fresh\n'));
    const sock = socket$({ host: '127.0.0.1', port: server.port, codec: lines(), capacity: 1 });
    sock.next('a');
    sock.next('b');
    await expect(firstValueFrom(sock)).rejects.toMatchObject({ code: 'ERR_OVERFLOW' });
    expect(server.sockets).toHaveLength(0);
    await expect(firstValueFrom(sock.pipe(take(1)))).resolves.toBe('fresh');
    await server.close();
  });

  it('refuses a bad capacity (ERR_OUT_OF_RANGE) or overflow policy (ERR_INVALID_ARG) at once', () => {
    expect(() => socket$({ port: 1, codec: lines(), capacity: 1.5 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => socket$({ port: 1, codec: lines(), overflow: 'block' as never })).toThrow(/overflow must be/);
  });

  it('refuses options, a codec or an observer of the wrong kind with ERR_INVALID_ARG at once', () => {
    for (const options of [
      undefined,
      null,
      { port: 1, codec: lines },
      { port: 1, codec: {} },
      { port: 1, codec: lines(), openObserver: 5 },
      { port: 1, codec: lines(), closeObserver: { next: 5 } },
    ]) {
      expect(() => socket$(options as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    }
    expect(() => socket$({ port: 1, codec: lines(), openObserver: 5 as never })).toThrow(
      'socket$(): openObserver must be an object, got 5',
    );
  });

  it('tells closeObserver that a connection which ended in an error was not clean', async () => {
    const server = await nodeServer((socket) => socket.write('far too long a line\n'));
    const closed: SocketCloseEvent[] = [];
    const sock = socket$({
      host: '127.0.0.1',
      port: server.port,
      codec: lines({ maxFrameLength: 4 }),
      closeObserver: { next: (e) => closed.push(e) },
    });
    await expect(firstValueFrom(sock)).rejects.toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    await until(() => closed.length === 1, 'the closeObserver called');
    expect(closed[0]).toMatchObject({
      wasClean: false,
      error: expect.objectContaining({ code: 'ERR_FRAME_TOO_LONG' }),
    });
    await server.close();
  });
});

describe('socket$ contains what nobody can receive any more', () => {
  it('a close cut off by closeTimeout after the last unsubscribe (a peer that never reads) is recorded, never thrown', async () => {
    const guard = new ProcessGuard();
    const server = await unreadingServer();
    try {
      const closed = signal<SocketCloseEvent>();
      const sock = socket$({
        host: '127.0.0.1',
        port: server.port,
        codec: lines(),
        closeTimeout: 50,
        capacity: BACKLOG.length,
        closeObserver: { next: closed.resolve },
      });
      const subscription = sock.subscribe();
      await until(() => sock.connection !== undefined, 'the subject connecting');
      for (const line of BACKLOG) sock.next(line);
      subscription.unsubscribe(); // nobody awaits the close that follows
      const event = await within(closed.promise, 5000, 'the connection closing');
      expect(event).toMatchObject({ wasClean: false, error: { code: 'ERR_CLOSE_TIMEOUT' } });
      expect(event.connection.error).toMatchObject({ code: 'ERR_CLOSE_TIMEOUT' });
    } finally {
      await server.close();
      expect(await guard.stop()).toEqual([]);
    }
    expect(guard.reported).toEqual([]); // recorded on the connection, not logged: a peer must not fill the log
  });

  it('an openObserver that throws errors the subscribers and destroys that connection; the next subscription reconnects', async () => {
    const guard = new ProcessGuard();
    const server = await nodeServer((socket) => socket.end('hello\n'));
    try {
      let opens = 0;
      const sock = socket$({
        host: '127.0.0.1',
        port: server.port,
        codec: lines(),
        openObserver: {
          next: () => {
            if (++opens === 1) throw new Error('openObserver failed');
          },
        },
      });
      await expect(firstValueFrom(sock)).rejects.toThrow('openObserver failed');
      await expect(firstValueFrom(sock)).resolves.toBe('hello');
      expect(opens).toBe(2);
    } finally {
      await server.close();
      expect(await guard.stop()).toEqual([]);
    }
  });

  it('a closeObserver that throws is reported with console.error; the subject reconnects as before', async () => {
    const guard = new ProcessGuard();
    const server = await nodeServer((socket) => socket.end('hello\n'));
    try {
      let closes = 0;
      const sock = socket$({
        host: '127.0.0.1',
        port: server.port,
        codec: lines(),
        closeObserver: {
          next: () => {
            closes++;
            throw new Error('closeObserver failed');
          },
        },
      });
      await expect(lastValueFrom(sock)).resolves.toBe('hello');
      await until(() => closes === 1, 'the first closeObserver call');
      await expect(lastValueFrom(sock)).resolves.toBe('hello');
      await until(() => closes === 2, 'the second closeObserver call');
    } finally {
      await server.close();
      expect(await guard.stop()).toEqual([]);
    }
    expect(guard.reported.map(([message, error]) => [message, (error as Error).message])).toEqual([
      ['sluice: closeObserver.next threw (contained; carrying on)', 'closeObserver failed'],
      ['sluice: closeObserver.next threw (contained; carrying on)', 'closeObserver failed'],
    ]);
  });
});
