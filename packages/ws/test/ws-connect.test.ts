/**
 * `@sluice/ws`'s connect() over real loopback sockets: wss: with tls options
 * and subprotocols, a checkServerIdentity that throws (connect() rejects with
 * it, the process carries on), and bad arguments refused with coded errors
 * before connecting.
 */
import { readFileSync } from 'node:fs';
import { lines } from '@sluice/codec';
import { connect, listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { ProcessGuard } from '../../../test-support/process-guard.js';
import { url } from './support/echo.js';

describe('@sluice/ws', () => {
  it('serves wss: with tls options, and offers subprotocols', async () => {
    const fixture = (name: string) => readFileSync(new URL(`../../net/test/fixtures/${name}`, import.meta.url));
    await using listener = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: { key: fixture('server.key'), cert: fixture('server.crt') },
    });
    void listener.serve(async (conn) => {
      const io = conn.framed(lines());
      for await (const line of io) await io.write(`secure ${line}`);
    });
    await using conn = await connect(`wss://localhost:${listener.port}`, {
      tls: { ca: fixture('ca.crt') },
      protocols: ['chat.v1'],
    });
    const io = conn.framed(lines());
    await io.write('hello');
    expect(await io.read()).toBe('secure hello');
    await expect(connect(`wss://localhost:${listener.port}`)).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('contains a checkServerIdentity that throws: connect() rejects with what it threw', async () => {
    const guard = new ProcessGuard();
    const fixture = (name: string) => readFileSync(new URL(`../../net/test/fixtures/${name}`, import.meta.url));
    await using listener = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: { key: fixture('server.key'), cert: fixture('server.crt') },
    });
    const failed = new Error('identity check failed');
    const checkServerIdentity = () => {
      throw failed;
    };
    await expect(
      connect(`wss://localhost:${listener.port}`, { tls: { ca: fixture('ca.crt'), checkServerIdentity } }),
    ).rejects.toBe(failed);
    // The process is alive and the next client connects.
    await using conn = await connect(`wss://localhost:${listener.port}`, { tls: { ca: fixture('ca.crt') } });
    expect(conn.destroyed).toBe(false);
    expect(await guard.stop()).toEqual([]);
  });

  it('refuses bad arguments with coded errors before connecting', async () => {
    await expect(connect('ftp://127.0.0.1:1')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(connect(5 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(connect('not a url')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(connect('ws://127.0.0.1:1', { protocols: 5 as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
    });
    await expect(listen({ port: 70000 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(connect('ws://127.0.0.1:1', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORT_ERR',
    });
    await expect(connect('ws://127.0.0.1:1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await using listener = await listen({ host: '127.0.0.1', port: 0, path: '/only' });
    await expect(connect(url(listener.port, '/elsewhere'))).rejects.toMatchObject({
      code: 'ERR_WS_UPGRADE_REFUSED',
      status: 404,
    });
  });
});
