/**
 * @sluice/net's listen() and the Listener it gives, over real loopback
 * sockets: binding port 0 and reporting the address, EADDRINUSE, a for-await
 * loop over connections, accept() with a signal, TLS (hostname checks, mutual
 * TLS), and every handle released once all is closed. serve() is in
 * `listener-serve.test.ts` and `listener-shutdown.test.ts`.
 */
import { once } from 'node:events';
import net from 'node:net';
import { connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { handlesSettleTo, socketHandles } from '../../../test-support/handles.js';
import { readAll } from './support/read-all.js';
import { echo, roundTrip, text } from './support/round-trip.js';
import * as certs from './support/tls.js';

describe('listen', () => {
  it('binds port 0 on loopback and reports the chosen address', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    expect(listener.address).toMatchObject({ host: '127.0.0.1', family: 'IPv4' });
    expect('port' in listener.address && listener.address.port).toBeGreaterThan(0);
    expect(listener.port).toBe('port' in listener.address ? listener.address.port : -1);
  });

  it('passes EADDRINUSE through', async () => {
    await using first = await listen({ host: '127.0.0.1', port: 0 });
    const port = 'port' in first.address ? first.address.port : 0;
    await expect(listen({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('hands out connections to a for-await loop, and leaving the loop closes the listener', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const client = (async () => {
      await using conn = await connect(listener.address);
      return text(await readAll(conn.reader()));
    })();
    for await (const conn of listener) {
      await conn.write('welcome');
      await conn.close();
      break;
    }
    expect(listener.listening).toBe(false);
    expect(await client).toBe('welcome');
    await expect(connect(listener.address)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('listener.accept', () => {
  it('rejects with an AbortError when its signal aborts, and the listener keeps accepting', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const waiting = listener.accept({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    const next = listener.accept();
    await using client = await connect(listener.address);
    await using conn = (await next)!;
    expect(conn.remoteAddress).toMatchObject({
      port: client.localAddress && 'port' in client.localAddress ? client.localAddress.port : -1,
    });
  });
});

describe('TLS', () => {
  it('serves TLS with a certificate the client trusts, with hostname checks on', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, tls: certs.server });
    const served = listener.serve(echo);
    const port = 'port' in listener.address ? listener.address.port : 0;
    expect(await roundTrip({ host: 'localhost', port, tls: { ca: certs.ca } }, 'secret')).toBe('secret');
    // Without the CA the client refuses the server, saying why.
    await expect(connect({ host: 'localhost', port, tls: true })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    await listener.close();
    await served;
  });

  it('mutual TLS refuses a client without a valid certificate and accepts one with it', async () => {
    const failures: Error[] = [];
    const listener = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: { ...certs.server, ca: certs.ca, requestCert: true, rejectUnauthorized: true },
      onClientError: (error) => failures.push(error),
    });
    const served = listener.serve(echo);
    const port = 'port' in listener.address ? listener.address.port : 0;
    const target = { host: 'localhost', port };
    expect(await roundTrip({ ...target, tls: { ca: certs.ca, ...certs.client } }, 'trusted')).toBe('trusted');
    const refused = (options: object) =>
      roundTrip({ ...target, tls: { ca: certs.ca, ...options } }, 'let me in').then(
        (answer) => `answered ${JSON.stringify(answer)}`,
        (error: { code?: string }) => error.code ?? 'error',
      );
    expect(await refused({})).not.toBe('answered "let me in"');
    expect(await refused(certs.rogue)).not.toBe('answered "let me in"');
    expect(listener.counters.handshakeFailures).toBeGreaterThanOrEqual(2);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    await listener.close();
    await served;
  });
});

describe('resources', () => {
  it('releases every socket and server handle once all is closed', async () => {
    const before = socketHandles();
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(echo);
    await Promise.all(Array.from({ length: 20 }, (_, i) => roundTrip(listener.address, `n${i}`)));
    const plain = new net.Socket();
    plain.connect('port' in listener.address ? listener.address.port : 0, '127.0.0.1');
    await once(plain, 'connect');
    plain.destroy();
    await listener.close();
    await served;
    expect(await handlesSettleTo(before)).toBe(before);
  });
});
