import { once } from 'node:events';
import net from 'node:net';
import { lines } from '@sluice/codec';
import { type SocketSubject, socket$ } from '@sluice/rx';
import { lastValueFrom, repeat, retry, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { nodeServer, rxServer } from './support/servers.js';

describe('socket$ reconnecting', () => {
  it('repeat() gets frames from several connections when the server closes each after one frame', async () => {
    let served = 0;
    const server = await rxServer(lines(), (sock) => {
      sock.subscribe();
      sock.next(`hello from connection ${++served}`);
      sock.complete();
    });
    const client = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    await expect(lastValueFrom(client.pipe(repeat(3), toArray()))).resolves.toEqual([
      'hello from connection 1',
      'hello from connection 2',
      'hello from connection 3',
    ]);
    expect(served).toBe(3);
    server.subscription.unsubscribe();
  });

  it('repeat() gives every connection a fresh outgoing side: complete() on one does not silence the next', async () => {
    const server = await rxServer(lines()); // echo
    let opened = 0;
    const client: SocketSubject<string> = socket$({
      host: '127.0.0.1',
      port: server.port,
      codec: lines(),
      openObserver: {
        next: () => {
          client.next(`request ${++opened}`);
          client.complete(); // half-close: the echo server answers and ends
        },
      },
    });
    await expect(lastValueFrom(client.pipe(repeat(3), toArray()))).resolves.toEqual([
      'request 1',
      'request 2',
      'request 3',
    ]);
    server.subscription.unsubscribe();
  });

  it('retry() reconnects after connections are reset, until one succeeds', async () => {
    let attempts = 0;
    const server = await nodeServer((socket) => {
      if (++attempts < 3) socket.resetAndDestroy();
      else socket.end('finally\n');
    });
    const client = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    await expect(lastValueFrom(client.pipe(retry(5), toArray()))).resolves.toEqual(['finally']);
    expect(attempts).toBe(3);
    await server.close();
  });

  it('retry() gives up after its count with the last error', async () => {
    const server = await nodeServer((socket) => socket.resetAndDestroy());
    const client = socket$({ host: '127.0.0.1', port: server.port, codec: lines() });
    await expect(lastValueFrom(client.pipe(retry(2)))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(server.sockets).toHaveLength(3);
    await server.close();
  });

  it('keeps frames waiting through a failed connection attempt and sends them on the next one', async () => {
    const probe = await nodeServer();
    const port = probe.port;
    await probe.close(); // nothing listens there now: the first attempt is refused
    const received: string[] = [];
    let server: net.Server | undefined;
    const client = socket$({ host: '127.0.0.1', port, codec: lines() });
    client.next('queued before connecting');
    const replies = lastValueFrom(
      client.pipe(
        retry({
          count: 1,
          delay: async () => {
            server = net.createServer({ allowHalfOpen: true }, (socket) => {
              socket.setEncoding('utf8');
              socket.on('data', (chunk: string) => {
                received.push(chunk);
                socket.end('thanks\n');
              });
            });
            server.listen(port, '127.0.0.1');
            await once(server, 'listening');
          },
        }),
        take(1),
      ),
    );
    await expect(replies).resolves.toBe('thanks');
    expect(received).toEqual(['queued before connecting\n']);
    await new Promise((resolve) => server?.close(resolve));
  });
});
