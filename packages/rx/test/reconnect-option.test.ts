/**
 * The `reconnect` option of `socket$` and `webSocket$`: one subscription
 * across connections, over real loopback servers that go away and come back
 * on the same port.
 */
import { once } from 'node:events';
import net from 'node:net';
import { json, lines } from '@sluice/codec';
import type { Connection } from '@sluice/connection';
import { type SocketSubject, socket$, webSocket$ } from '@sluice/rx';
import { messages, listen as wsListen } from '@sluice/ws';
import { lastValueFrom, take, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/free-port.js';
import { within } from '../../../test-support/waits.js';
import { startTs } from '../../net/test/support/processes.js';
import { settle } from './support/resources.js';

/** A node:net server on `port` (0 for any) that greets each connection with `line`; close() drops its connections. */
async function greeter(port: number, line: string) {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    socket.write(`${line}\n`);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('socket$ with reconnect', () => {
  it('stays subscribed across a server restart on the same port: frames of both connections, openObserver twice', async () => {
    let server = await greeter(0, 'session 1');
    const port = server.port;
    const opened: Connection[] = [];
    const closed: boolean[] = [];
    const client = socket$<string>({
      host: '127.0.0.1',
      port,
      codec: lines(),
      reconnect: { initialDelay: 20, maxDelay: 50 },
      openObserver: { next: (conn) => opened.push(conn) },
      closeObserver: { next: (event) => closed.push(event.wasClean) },
    });
    const frames = lastValueFrom(
      client.pipe(
        tap((frame) => {
          if (frame !== 'session 1') return;
          void server.close().then(async () => {
            server = await greeter(port, 'session 2'); // refused attempts in between are retried
          });
        }),
        take(2),
        toArray(),
      ),
    );
    await expect(frames).resolves.toEqual(['session 1', 'session 2']);
    expect(opened).toHaveLength(2);
    expect(opened[0]).not.toBe(opened[1]);
    expect(
      await settle(
        () => closed.length,
        (n) => n === 2,
      ),
    ).toBe(2); // each connection's close told
    await server.close();
  });

  it('sends frames given between connections on the next one', async () => {
    const received: string[] = [];
    let first = true;
    const server = net.createServer((socket) => {
      socket.setEncoding('utf8');
      socket.on('error', () => {});
      if (first) {
        first = false;
        socket.destroy(); // the first connection dies at once
        return;
      }
      socket.on('data', (chunk: string) => {
        received.push(chunk);
        socket.write('got it\n');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    let opens = 0;
    const client: SocketSubject<string> = socket$<string>({
      host: '127.0.0.1',
      port,
      codec: lines(),
      reconnect: { initialDelay: 10 },
      closeObserver: { next: () => opens === 1 && client.next('written while disconnected') },
      openObserver: { next: () => void opens++ },
    });
    await expect(lastValueFrom(client.pipe(take(1)))).resolves.toBe('got it');
    expect(received).toEqual(['written while disconnected\n']);
    await new Promise((resolve) => server.close(resolve));
  });

  it('errors with ERR_RECONNECT_FAILED once `attempts` attempts in a row have failed', async () => {
    const retries: number[] = [];
    const client = socket$({
      host: '127.0.0.1',
      port: await freePort(),
      codec: lines(),
      reconnect: { attempts: 3, initialDelay: 1, onRetry: ({ attempt }) => retries.push(attempt) },
    });
    await expect(lastValueFrom(client)).rejects.toMatchObject({
      code: 'ERR_RECONNECT_FAILED',
      cause: { code: 'ECONNREFUSED' },
    });
    expect(retries).toEqual([1, 2]);
  });

  it('unsubscribing during a backoff wait leaves nothing behind: the process exits by itself', {
    timeout: 20_000,
  }, async () => {
    const child = startTs('packages/rx/test/support/unsubscribe-in-backoff.ts');
    try {
      await child.waitFor(/unsubscribed/);
      // A backoff timer left running (up to 1000 s) would keep the process alive.
      expect(await within(child.exited, 10_000, 'the process to exit')).toBe(0);
      expect(child.stdout()).not.toMatch(/error/);
    } finally {
      child.process.kill();
    }
  });

  it('refuses a bad reconnect policy when called, naming the option', () => {
    const base = { host: '127.0.0.1', port: 1, codec: lines() };
    expect(() => socket$({ ...base, reconnect: { initialDelay: -1 } })).toThrow(
      expect.objectContaining({
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringMatching(/^socket\$\(\): reconnect\.initialDelay/),
      }),
    );
    expect(() => socket$({ ...base, reconnect: { signal: AbortSignal.abort() } as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
    expect(() => socket$({ ...base, reconnect: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
    expect(() => socket$({ ...base, reconnect: { factor: 0.5 } })).toThrow(
      'socket$(): reconnect.factor must be a finite number of at least 1, got 0.5',
    );
    expect(() => socket$({ ...base, reconnect: { factor: '2' as never } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG', message: expect.stringMatching(/reconnect\.factor/) }),
    );
    expect(() => webSocket$({ url: 'ws://127.0.0.1:1', codec: lines(), reconnect: { attempts: 0 } })).toThrow(
      expect.objectContaining({
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringMatching(/^webSocket\$\(\): reconnect\.attempts/),
      }),
    );
    expect(() => socket$({ ...base, reconnect: { onRetry: 1 as never } })).toThrow(/^socket\$\(\): reconnect\.onRetry/);
  });
});

describe('webSocket$ with reconnect', () => {
  it('reconnects to a ws.listen server restarted on the same port, running openObserver on every open', async () => {
    const start = async (port: number, greeting: string) => {
      const listener = await wsListen({ host: '127.0.0.1', port });
      const conns: Connection[] = [];
      const served = listener.serve(async (conn) => {
        conns.push(conn);
        await conn.framed(json({ framing: messages() })).write(greeting);
        await conn.closed;
      });
      const stop = async () => {
        await listener.close();
        await Promise.all(conns.map((conn) => conn.close()));
        await served;
      };
      return { port: listener.port as number, stop };
    };
    let server = await start(0, 'session 1');
    const port = server.port;
    let opened = 0;
    const live = webSocket$<string>({
      url: `ws://127.0.0.1:${port}`,
      codec: json({ framing: messages() }),
      reconnect: { initialDelay: 20, maxDelay: 50 },
      openObserver: { next: () => void opened++ },
    });
    const frames = lastValueFrom(
      live.pipe(
        tap((frame) => {
          if (frame !== 'session 1') return;
          void server.stop().then(async () => {
            server = await start(port, 'session 2');
          });
        }),
        take(2),
        toArray(),
      ),
    );
    await expect(frames).resolves.toEqual(['session 1', 'session 2']);
    expect(opened).toBe(2);
    await server.stop();
  });
});
