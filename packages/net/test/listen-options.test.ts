/**
 * Options of listen(), connect() and serve() that Node would take and then
 * misuse: a `tls` object without a certificate, a `tls` that is
 * merely truthy, a shutdownTimeout past what a timer can wait.
 */
import { lines } from '@sluice/codec';
import { connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import * as certs from './support/tls.js';

const host = '127.0.0.1';

describe('listen({ tls })', () => {
  it.each([
    ['{}', {}, 'none of them'],
    ['a key alone', { key: certs.server.key }, 'a key without cert'],
    ['a cert alone', { cert: certs.server.cert }, 'a cert without key'],
  ])('without a certificate (%s) is refused with ERR_INVALID_ARG saying what is missing', async (_, tls, got) => {
    await expect(listen({ host, port: 0, tls })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: `listen(): tls must give a certificate: key and cert, or pfx (or a secureContext or SNICallback), got ${got}`,
    });
  });

  it('with key and cert, or an SNICallback that supplies them, listens', async () => {
    await (await listen({ host, port: 0, tls: certs.server })).close();
    await (await listen({ host, port: 0, tls: { SNICallback: (_name, done) => done(null) } })).close();
  });
});

describe('connect({ tls })', () => {
  it.each([['yes'], [1], [null], [[]]])(
    'tls: %j is refused with ERR_INVALID_ARG, before anything is opened',
    async (tls) => {
      await using listener = await listen({ host, port: 0 });
      await expect(connect({ ...listener.address, tls: tls as never })).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG',
        message: expect.stringMatching(/^connect\(\): tls must be true, false or an object of TLS options, got /),
      });
      expect(listener.counters.accepted).toBe(0);
    },
  );
});

describe('serve({ shutdownTimeout })', () => {
  it('2^31 ms (past what a timer can wait, which would cut every handler at once) is refused with ERR_OUT_OF_RANGE', async () => {
    await using listener = await listen({ host, port: 0 });
    await expect(listener.serve(async () => {}, { shutdownTimeout: 2 ** 31 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
    expect(listener.listening).toBe(true);
  });

  it('Infinity waits for a running handler through the shutdown, however long it takes', async () => {
    const shutdown = new AbortController();
    const listener = await listen({ host, port: 0 });
    const served = listener.serve(
      async (conn, { signal }) => {
        const io = conn.framed(lines());
        await io.write('ready');
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        await io.write('shutting down');
        await io.write(`done ${await io.read()}`); // waits for the client, who answers only now
      },
      { signal: shutdown.signal, shutdownTimeout: Number.POSITIVE_INFINITY },
    );
    const client = await connect(listener.address);
    const io = client.framed(lines());
    expect(await io.read()).toBe('ready');
    shutdown.abort();
    expect(await io.read()).toBe('shutting down');
    await io.write('go');
    expect(await io.read()).toBe('done go');
    const [summary] = await Promise.all([served, client.close()]);
    expect(summary).toEqual({ served: 1, failed: 0, cut: 0 });
  });
});
