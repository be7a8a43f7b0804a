/**
 * Options of listen() that Node would take and then misuse: a
 * `tls` object without a certificate would listen and fail every handshake;
 * a handshakeTimeout past what a timer can wait.
 */
import { readFileSync } from 'node:fs';
import { listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => readFileSync(new URL(`../../net/test/fixtures/${name}`, import.meta.url));
const host = '127.0.0.1';

describe('listen({ tls })', () => {
  it.each([
    ['{}', {}, 'none of them'],
    ['a cert alone', { cert: fixture('server.crt') }, 'a cert without key'],
  ])('without a certificate (%s) is refused with ERR_INVALID_ARG saying what is missing', async (_, tls, got) => {
    await expect(listen({ host, port: 0, tls })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: `listen(): tls must give a certificate: key and cert, or pfx (or a secureContext or SNICallback), got ${got}`,
    });
  });

  it('with key and cert listens, also with no handshake limit (Infinity)', async () => {
    const tls = { key: fixture('server.key'), cert: fixture('server.crt') };
    await (await listen({ host, port: 0, tls, handshakeTimeout: Number.POSITIVE_INFINITY })).close();
    await expect(listen({ host, port: 0, tls, handshakeTimeout: 2 ** 31 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
  });
});
