import net from 'node:net';
import { lines } from '@sluice/codec';
import { connect, listen } from '@sluice/net';
import { type SocketSubject, socket$, startListening } from '@sluice/rx';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ProcessGuard } from '../../../test-support/process-guard.js';
import { until } from '../../../test-support/waits.js';
import { settle, socketHandles } from './support/resources.js';

describe('startListening', () => {
  it('resolves once listening, with the address of port 0: a socket$ client reaches it through server.address', async () => {
    const seen: unknown[] = [];
    const server = await startListening(
      { host: '127.0.0.1', port: 0, codec: lines(), onListening: (address) => seen.push(address) },
      (sock) => sock.subscribe(sock),
    );
    expect(server.address).toMatchObject({ host: '127.0.0.1', port: expect.any(Number), family: 'IPv4' });
    expect('port' in server.address && server.address.port).toBeGreaterThan(0);
    expect(seen, 'onListening is still called, with the same address').toEqual([server.address]);
    const client = socket$({ ...server.address, codec: lines() });
    const replies = lastValueFrom(client.pipe(toArray()));
    for (const line of ['ping', 'pong']) client.next(line);
    client.complete();
    await expect(replies).resolves.toEqual(['ping', 'pong']);
    server.unsubscribe();
    expect(server.closed).toBe(true);
    await settle(socketHandles, (h) => h.servers === 0);
    await expect(connect(server.address)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('hands each accepted subject to an observer object', async () => {
    const accepted: SocketSubject<string>[] = [];
    const server = await startListening(
      { host: '127.0.0.1', port: 0, codec: lines() },
      { next: (s) => accepted.push(s) },
    );
    const client = await connect(server.address);
    await until(() => accepted.length === 1, 'the subject of the accepted connection');
    server.unsubscribe();
    for await (const _ of client) void _; // the server's close ends the loop
    await client.close();
  });

  it('rejects when the port is taken, leaving nothing open and nothing unhandled', async () => {
    const guard = new ProcessGuard();
    await using taken = await listen({ host: '127.0.0.1', port: 0 });
    const before = socketHandles().servers;
    const observer = { next: () => {}, error: () => expect.unreachable('the observer is not told') };
    await expect(
      startListening({ host: '127.0.0.1', port: taken.port, codec: lines() }, observer),
    ).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    expect((await settle(socketHandles, (h) => h.servers === before)).servers).toBe(before);
    expect(await guard.stop()).toEqual([]);
  });

  it('rejects with what onListening throws, and closes the listener', async () => {
    const before = socketHandles().servers;
    const failing = startListening({
      host: '127.0.0.1',
      port: 0,
      codec: lines(),
      onListening: () => {
        throw new Error('no thanks');
      },
    });
    await expect(failing).rejects.toThrow('no thanks');
    expect((await settle(socketHandles, (h) => h.servers === before)).servers).toBe(before);
  });

  it('signal: aborted before, rejects with an AbortError and binds nothing; aborted later, closes the listener', async () => {
    const before = socketHandles().servers;
    await expect(
      startListening({ host: '127.0.0.1', port: 0, codec: lines(), signal: AbortSignal.abort('stop') }),
    ).rejects.toMatchObject({ name: 'AbortError', cause: 'stop' });
    const early = new AbortController();
    const binding = startListening({ host: '127.0.0.1', port: 0, codec: lines(), signal: early.signal });
    early.abort('stop');
    await expect(binding).rejects.toMatchObject({ name: 'AbortError', cause: 'stop' });
    expect((await settle(socketHandles, (h) => h.servers === before)).servers).toBe(before);

    const later = new AbortController();
    const server = await startListening({ host: '127.0.0.1', port: 0, codec: lines(), signal: later.signal });
    later.abort();
    expect(server.closed).toBe(true);
    await settle(socketHandles, (h) => h.servers === before);
    await expect(connect(server.address)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('contains an observer that throws: reported, the server serves on', async () => {
    const guard = new ProcessGuard();
    let calls = 0;
    const server = await startListening({ host: '127.0.0.1', port: 0, codec: lines() }, (sock) => {
      calls++;
      if (calls === 1) throw new Error('handler bug');
      sock.subscribe(sock);
    });
    try {
      const first = net.connect(server.address as { port: number; host: string });
      first.on('error', () => {});
      await until(() => calls === 1, 'the first connection reaching the observer');
      const client = socket$({ ...server.address, codec: lines() });
      const reply = lastValueFrom(client.pipe(toArray()));
      client.next('still here');
      client.complete();
      await expect(reply).resolves.toEqual(['still here']);
      first.destroy();
    } finally {
      server.unsubscribe();
      expect(await guard.stop()).toEqual([]);
    }
    expect(guard.reported).toEqual([[expect.stringContaining('startListening(): observer.next'), expect.any(Error)]]);
  });

  it('rejects options, an unknown option or an observer of the wrong kind with ERR_INVALID_ARG', async () => {
    await expect(startListening(undefined as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(startListening({ port: 0, codec: lines(), singal: 1 } as never)).rejects.toThrow(
      'startListening(): unknown option "singal" (did you mean "signal"?)',
    );
    await expect(startListening({ port: 0, codec: lines() }, 42 as never)).rejects.toThrow(
      'startListening(): observer must be',
    );
    await expect(startListening({ port: 0, codec: lines(), signal: 'soon' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
    });
    await expect(startListening({ port: 0, codec: undefined as never })).rejects.toThrow('codec must be a codec');
  });
});
