/**
 * A TLS listener must release every socket whose handshake never completes:
 * until the handshake is done there is no Connection, so neither
 * `idleTimeout` nor the application can close it. Node emits
 * 'tlsClientError' without destroying the socket, and with `allowHalfOpen` a
 * client's FIN during the handshake raises nothing at all; the listener
 * destroys the socket on 'tlsClientError' and keeps half-close off until the
 * handshake is done.
 */

import { connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { handlesSettleTo, socketHandles } from '../../../../test-support/handles.js';
import { ProcessGuard } from '../../../../test-support/process-guard.js';
import { received } from '../../../../test-support/raw-sockets.js';
import { ErrorLog, until, within } from '../../../../test-support/waits.js';
import { portOf, rawClient } from '../support/peers.js';
import * as certs from '../support/tls.js';

async function tlsListener(handshakeTimeout?: number) {
  const failures = new ErrorLog();
  const tlsOptions = handshakeTimeout === undefined ? certs.server : { ...certs.server, handshakeTimeout };
  const listener = await listen({ host: '127.0.0.1', port: 0, tls: tlsOptions, onClientError: failures.push });
  const served = listener.serve(async () => {});
  return { listener, failures, stop: async () => (await listener.close(), await served) };
}

describe('a TLS listener releases sockets that never finish a handshake', () => {
  it('a client that refuses the server certificate leaves no socket behind on the server', async () => {
    const baseline = socketHandles();
    const server = await tlsListener();
    await expect(
      connect({ host: 'localhost', port: portOf(server.listener), tls: { ca: certs.ca, servername: 'evil.example' } }),
    ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    await server.stop();
    expect(await handlesSettleTo(baseline, 1000)).toBe(baseline);
  });

  it('a TCP client that says nothing is closed after handshakeTimeout, reported as ERR_TLS_HANDSHAKE (reason ERR_TLS_HANDSHAKE_TIMEOUT)', async () => {
    const server = await tlsListener(200);
    const silent = await rawClient(server.listener);
    const outcome = received(silent);
    try {
      const [failure] = await server.failures.reach(1);
      expect(failure).toMatchObject({ code: 'ERR_TLS_HANDSHAKE', reason: 'ERR_TLS_HANDSHAKE_TIMEOUT' });
      await within(outcome, 1000, 'the server closing the silent client');
    } finally {
      silent.resetAndDestroy();
      await server.stop();
    }
  });

  it('by default, a client silent after connecting is dropped within a few seconds (not Node\u2019s 120 s)', {
    timeout: 15_000,
  }, async () => {
    const server = await tlsListener();
    const silent = await rawClient(server.listener);
    const outcome = received(silent);
    const started = Date.now();
    try {
      const [failure] = await server.failures.reach(1, 10_000);
      expect(failure).toMatchObject({ code: 'ERR_TLS_HANDSHAKE', reason: 'ERR_TLS_HANDSHAKE_TIMEOUT' });
      await within(outcome, 1000, 'the server closing the silent client');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      silent.resetAndDestroy();
      await server.stop();
    }
  });

  it('a TCP client that sends FIN before any handshake is closed too', async () => {
    const server = await tlsListener(200);
    const quitter = await rawClient(server.listener);
    const outcome = received(quitter);
    quitter.end();
    try {
      await within(outcome, 1000, 'the server closing its side');
    } finally {
      quitter.resetAndDestroy();
      await server.stop();
    }
  });

  it('handshakeTimeout is at least 1 ms: 0 would be Node\u2019s 120 s, so it is refused', async () => {
    await expect(listen({ host: '127.0.0.1', port: 0, tls: certs.server, handshakeTimeout: 0 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
  });

  it('the listen() option wins over tls.handshakeTimeout, even one left undefined', async () => {
    const failures = new ErrorLog();
    const listener = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: { ...certs.server, handshakeTimeout: undefined },
      handshakeTimeout: 200,
      onClientError: failures.push,
    });
    const silent = await rawClient(listener);
    try {
      const [failure] = await failures.reach(1, 3000);
      expect(failure).toMatchObject({ code: 'ERR_TLS_HANDSHAKE', reason: 'ERR_TLS_HANDSHAKE_TIMEOUT' });
    } finally {
      silent.resetAndDestroy();
      await listener.close();
    }
  });

  it('an onClientError that throws is contained: a bad TLS client cannot crash the server, which serves on', async () => {
    const guard = new ProcessGuard();
    let told = 0;
    const listener = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: certs.server,
      onClientError: () => {
        told++;
        throw new Error('onClientError failed');
      },
    });
    const served = listener.serve(async (conn) => void (await conn.write('hello')));
    try {
      const garbage = await rawClient(listener);
      const outcome = received(garbage);
      garbage.write('GET / HTTP/1.1\r\n\r\n'); // not a TLS ClientHello
      await within(outcome, 3000, 'the server dropping the bad client');
      await until(() => told === 1, 'onClientError being told');
      const good = await connect({ host: 'localhost', port: portOf(listener), tls: { ca: certs.ca } });
      expect(new TextDecoder().decode((await good[Symbol.asyncIterator]().next()).value)).toBe('hello');
      await good.close();
    } finally {
      await listener.close();
      await served;
      expect(await guard.stop()).toEqual([]);
    }
    expect(guard.reported.map(([message, error]) => [message, (error as Error).message])).toEqual([
      ['sluice: listen(): onClientError threw (contained; carrying on)', 'onClientError failed'],
    ]);
  });
});
