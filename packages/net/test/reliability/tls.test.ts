/**
 * TLS defaults and their failures: TLS 1.2 is the minimum both ways, host
 * names are checked, mutual TLS refuses clients without a valid certificate,
 * and each refusal says why. Interoperability is proven against `openssl
 * s_server` and `openssl s_client`, peers Sluice did not write.
 */
import { once } from 'node:events';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { lines } from '@sluice/codec';
import { connect, type HandshakeError, type ListenOptions, listen } from '@sluice/net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectHandlesBackTo, socketHandles } from '../../../../test-support/handles.js';
import { ProcessGuard } from '../../../../test-support/process-guard.js';
import { ErrorLog } from '../../../../test-support/waits.js';
import { portOf } from '../support/peers.js';
import { available, type Child, start } from '../support/processes.js';
import { readAll } from '../support/read-all.js';
import * as certs from '../support/tls.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const hasOpenssl = available('openssl');
/** Old protocols need the lowest OpenSSL security level even to be offered. */
const LEGACY = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;

let baseline = 0;
const children: Child[] = [];

beforeEach(() => {
  baseline = socketHandles();
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    child.process.kill();
    await child.exited;
  }
  await expectHandlesBackTo(baseline);
});

/** A TLS line server that answers each line in upper case; handshake failures go to `failures`. */
async function upperServer(tlsOptions: ListenOptions['tls'] = certs.server) {
  const failures = new ErrorLog();
  const listener = await listen({ host: '127.0.0.1', port: 0, tls: tlsOptions, onClientError: failures.push });
  const served = listener.serve(
    async (conn) => {
      const io = conn.framed(lines());
      for await (const line of io) await io.write(line.toUpperCase());
    },
    { onError: () => {} },
  );
  return {
    listener,
    failures,
    port: portOf(listener),
    async stop() {
      await listener.close();
      await served;
    },
  };
}

/** Sends one line and returns the answer, or the error code. */
async function ask(options: Parameters<typeof connect>[0], line = 'hello'): Promise<string> {
  try {
    const io = (await connect(options)).framed(lines());
    await io.write(line);
    await io.closeWrite();
    const answers: string[] = [];
    for await (const answer of io) answers.push(answer);
    return answers.join(',') || '(ended without an answer)';
  } catch (error) {
    return String((error as { code?: string }).code ?? error);
  }
}

describe('TLS defaults', () => {
  it('a Sluice server refuses a TLS 1.1 client, saying why; TLS 1.2 and 1.3 are served', async () => {
    const server = await upperServer();
    const target = { host: 'localhost', port: server.port };
    expect(await ask({ ...target, tls: { ca: certs.ca, ...LEGACY } })).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    const [failure] = await server.failures.reach(1);
    expect(failure).toMatchObject({ code: 'ERR_TLS_HANDSHAKE', reason: 'ERR_SSL_UNSUPPORTED_PROTOCOL' });
    expect(server.listener.counters.handshakeFailures).toBe(1);
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      expect(await ask({ ...target, tls: { ca: certs.ca, minVersion: version, maxVersion: version } })).toBe('HELLO');
    }
    await server.stop();
  });

  it('a Sluice client refuses a server that only speaks TLS 1.1', async () => {
    const old = tls.createServer({ ...certs.server, ...LEGACY }, (socket) => socket.end('old'));
    old.on('tlsClientError', () => {});
    old.listen(0, '127.0.0.1');
    await once(old, 'listening');
    const port = (old.address() as { port: number }).port;
    await expect(connect({ host: 'localhost', port, tls: { ca: certs.ca } })).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
    });
    await new Promise((resolve) => old.close(resolve));
  });

  it('checks the host name: a certificate for another name is refused with ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    // The server is Node's own (see below for what a refused handshake leaves behind on a Sluice listener).
    const server = tls.createServer(certs.server, (socket) => socket.end('trusted'));
    server.on('tlsClientError', () => {});
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    await expect(
      connect({ host: 'localhost', port, tls: { ca: certs.ca, servername: 'evil.example' } }),
    ).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      message: expect.stringContaining('evil.example'),
    });
    // Without the CA, the server is not trusted.
    await expect(connect({ host: 'localhost', port, tls: true })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    // By IP address, the certificate's IP entry is checked instead; by name, its DNS entry.
    for (const host of ['127.0.0.1', 'localhost']) {
      const conn = await connect({ host, port, tls: { ca: certs.ca } });
      expect(Buffer.from(await readAll(conn)).toString()).toBe('trusted');
      await conn.close();
    }
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('a checkServerIdentity that throws', () => {
  it('is contained: connect() rejects with what it threw, and the next connect works', async () => {
    const guard = new ProcessGuard();
    const server = await upperServer();
    try {
      const failed = new Error('identity check failed');
      const refused = connect({
        host: 'localhost',
        port: server.port,
        tls: {
          ca: certs.ca,
          checkServerIdentity: () => {
            throw failed;
          },
        },
      });
      await expect(refused).rejects.toBe(failed);
      expect(await ask({ host: 'localhost', port: server.port, tls: { ca: certs.ca } })).toBe('HELLO');
    } finally {
      await server.stop();
      expect(await guard.stop()).toEqual([]);
    }
  });
});

describe('mutual TLS', () => {
  const mutual = { ...certs.server, ca: certs.ca, requestCert: true, rejectUnauthorized: true };

  it('serves a client with a certificate from its CA', async () => {
    const server = await upperServer(mutual);
    expect(await ask({ host: 'localhost', port: server.port, tls: { ca: certs.ca, ...certs.client } })).toBe('HELLO');
    expect(server.listener.counters.handshakeFailures).toBe(0);
    await server.stop();
  });

  it('refuses a client without a certificate, and both sides say why', async () => {
    const server = await upperServer(mutual);
    const target = { host: 'localhost', port: server.port };
    expect(await ask({ ...target, tls: { ca: certs.ca } })).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    // OpenSSL 3.0 (Node 20) says SSLV3, later ones (Node 22, 24) say SSL/TLS.
    expect(await ask({ ...target, tls: { ca: certs.ca, maxVersion: 'TLSv1.2' } })).toMatch(
      /^ERR_SSL_SSL(V3|\/TLS)_ALERT_HANDSHAKE_FAILURE$/,
    );
    await server.failures.reach(2);
    expect(server.failures.reasons()).toEqual([
      'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
      'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
    ]);
    await server.stop();
  });

  it('refuses a client whose certificate its CA did not sign: nothing is served', async () => {
    const server = await upperServer(mutual);
    const answer = await ask({ host: 'localhost', port: server.port, tls: { ca: certs.ca, ...certs.rogue } });
    expect(answer).not.toBe('HELLO');
    await server.failures.reach(1);
    expect(server.listener.counters.handshakeFailures).toBe(1);
    await server.stop();
  });

  // Node destroys the socket without an error when a client certificate fails
  // verification, so the listener reports socket.authorizationError instead
  // of "ECONNRESET: socket hang up".
  it('tells onClientError why a client certificate was refused (its verification error)', async () => {
    const server = await upperServer(mutual);
    await ask({ host: 'localhost', port: server.port, tls: { ca: certs.ca, ...certs.rogue } });
    const [failure] = await server.failures.reach(1);
    try {
      expect(failure).toMatchObject({ code: 'ERR_TLS_HANDSHAKE' });
      expect((failure as HandshakeError).reason).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    } finally {
      await server.stop();
    }
  });
});

/** Arguments for `openssl s_client` to a local Sluice server on `port`, asking for `localhost`. */
const sClient = (port: number, ...extra: string[]) => [
  's_client',
  '-connect',
  `127.0.0.1:${port}`,
  '-servername',
  'localhost',
  ...extra,
];

describe.skipIf(!hasOpenssl)('interoperability with openssl', () => {
  it('a Sluice client talks to openssl s_server (TLS 1.3 and 1.2)', async () => {
    for (const version of ['-tls1_3', '-tls1_2']) {
      const server = start('openssl', [
        's_server',
        '-accept',
        '127.0.0.1:0',
        '-naccept',
        '1',
        '-rev',
        version,
        '-cert',
        fixture('server.crt'),
        '-key',
        fixture('server.key'),
      ]);
      children.push(server);
      const [, port] = await server.waitFor(/ACCEPT 127\.0\.0\.1:(\d+)/);
      const conn = await connect({ host: 'localhost', port: Number(port), tls: { ca: certs.ca } });
      await conn.write('hello from sluice\n');
      let answer = '';
      for await (const chunk of conn.reader({ keepOpen: true })) {
        answer += Buffer.from(chunk).toString();
        if (answer.includes('eciuls morf olleh')) break; // -rev answers each line reversed
      }
      expect(answer).toContain('eciuls morf olleh');
      conn.destroy();
      await conn.closed;
    }
  });

  it('openssl s_client talks to a Sluice server, and is refused when it offers only TLS 1.1', async () => {
    const server = await upperServer();
    const client = start(
      'openssl',
      sClient(server.port, '-CAfile', fixture('ca.crt'), '-verify_return_error', '-quiet'),
    );
    children.push(client);
    client.process.stdin!.write('hello from openssl\n');
    await client.waitFor(/HELLO FROM OPENSSL/);
    client.process.kill();
    await client.exited;
    const legacy = start('openssl', sClient(server.port, '-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'));
    children.push(legacy);
    legacy.process.stdin!.end();
    expect(await legacy.exited).not.toBe(0);
    const [failure] = await server.failures.reach(1);
    expect(failure).toMatchObject({ code: 'ERR_TLS_HANDSHAKE', reason: 'ERR_SSL_UNSUPPORTED_PROTOCOL' });
    await server.stop();
  });

  it('openssl s_client is served under mutual TLS with a client certificate, and refused without one', async () => {
    const server = await upperServer({ ...certs.server, ca: certs.ca, requestCert: true, rejectUnauthorized: true });
    const args = sClient(server.port, '-CAfile', fixture('ca.crt'), '-quiet');
    const trusted = start('openssl', [...args, '-cert', fixture('client.crt'), '-key', fixture('client.key')]);
    children.push(trusted);
    trusted.process.stdin!.write('with a certificate\n');
    await trusted.waitFor(/WITH A CERTIFICATE/);
    trusted.process.kill();
    await trusted.exited;
    const anonymous = start('openssl', args);
    children.push(anonymous);
    anonymous.process.stdin!.write('without one\n');
    const [failure] = await server.failures.reach(1);
    expect(failure).toMatchObject({ code: 'ERR_TLS_HANDSHAKE', reason: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE' });
    expect(await anonymous.exited).not.toBe(0);
    expect(anonymous.stdout()).not.toContain('WITHOUT ONE');
    await server.stop();
  });
});

describe('readAll over TLS', () => {
  it('a TLS session delivers every byte before a clean close', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, tls: certs.server });
    const payload = new Uint8Array(4 * 1024 * 1024).map((_, i) => i % 253);
    const served = listener.serve(async (conn) => {
      void conn.write(payload);
      await conn.close();
    });
    const conn = await connect({ host: 'localhost', port: portOf(listener), tls: { ca: certs.ca } });
    const got = await readAll(conn);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(payload))).toBe(0);
    await conn.close();
    await listener.close();
    await served;
  });
});
