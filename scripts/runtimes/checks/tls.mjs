/** @sluice/net's TLS over loopback, with the test certificates of packages/net/test/fixtures. */
import assert from 'node:assert/strict';
import { check, deferred, rejection } from '../harness.mjs';
import { assertSluiceError, dial, echoServer, exchange, fixture, sluice } from './support.mjs';

const { collect, connect, lines, pipe } = sluice;

const NO_TIMEOUT_CODE = {
  deno: "Deno's node:tls reports a handshake timeout as an Error without the code ERR_TLS_HANDSHAKE_TIMEOUT",
};

export function checkTls() {
  const server = { key: fixture('server.key'), cert: fixture('server.crt') };
  const ca = fixture('ca.crt');

  check('tls: echo with a certificate signed by the test CA', async (t) => {
    const { listener } = await echoServer(t, lines, { tls: server });
    const conn = await dial(t, listener, { tls: { ca } });
    assert.deepEqual(await exchange(conn.framed(lines()), ['secret', 'lines']), ['secret', 'lines']);
  });

  check('tls: client certificates: the CA-signed one is accepted, a rogue one refused', async (t) => {
    const refused = deferred();
    const { listener } = await echoServer(t, lines, {
      tls: { ...server, ca, requestCert: true, rejectUnauthorized: true },
      onClientError: refused.resolve,
    });
    const client = { key: fixture('client.key'), cert: fixture('client.crt') };
    const conn = await dial(t, listener, { tls: { ca, ...client } });
    assert.deepEqual(await exchange(conn.framed(lines()), ['mutual']), ['mutual']);
    // With TLS 1.3 the client learns of the refusal after its handshake: on connecting, on reading, or as an
    // end without an answer.
    const rogue = { key: fixture('rogue.key'), cert: fixture('rogue.crt') };
    const answer = await dial(t, listener, { tls: { ca, ...rogue } })
      .then((c) => exchange(c.framed(lines()), ['let me in']))
      .catch((error) => error);
    assert.notDeepEqual(answer, ['let me in'], 'the rogue client got no answer');
    assertSluiceError(await refused.promise, 'ERR_TLS_HANDSHAKE');
  });

  check('tls: an untrusted server certificate is refused with its code', async (t) => {
    const { listener } = await echoServer(t, lines, { tls: server });
    const error = await rejection(connect({ ...listener.address, tls: true, timeout: 5000 }), 'connect');
    assert.match(String(error.code), /CERT|SIGNATURE|ISSUER/, `a certificate error code, got ${error.code}`);
  });

  /** A TLS listener with a short handshakeTimeout, a client that never says hello, and the error reported. */
  async function silentClient(t) {
    const refused = deferred();
    const options = { tls: server, handshakeTimeout: 150, onClientError: refused.resolve };
    const { listener } = await echoServer(t, lines, options);
    const silent = await dial(t, listener); // plain TCP: never says hello
    const error = await refused.promise;
    assertSluiceError(error, 'ERR_TLS_HANDSHAKE');
    await pipe(silent, collect()).catch(() => {}); // and the socket is gone
    return error;
  }

  check('tls: a client silent through its handshake is dropped after handshakeTimeout', async (t) => {
    await silentClient(t);
  });

  check('tls: a handshake timeout is reported with its reason', { skip: NO_TIMEOUT_CODE }, async (t) => {
    assert.equal((await silentClient(t)).reason, 'ERR_TLS_HANDSHAKE_TIMEOUT');
  });
}
