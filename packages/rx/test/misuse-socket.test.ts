/**
 * Misuse of @sluice/rx's socket$(), over real loopback sockets: bad options
 * fail with a coded error (at the call or as the error notification),
 * timeout: 0 means none, a frame the codec refuses ends that socket with
 * ERR_ENCODE and sends none of its bytes while other clients go on, and
 * complete(), error() and next() after the end never throw. The values nobody
 * means are in `support/misuse.ts`.
 */
import { json, lengthPrefixed, lines } from '@sluice/codec';
import { socket$ } from '@sluice/rx';
import { firstValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { bytes } from '../../../test-support/chunking.js';
import { any, busyFor, cleanups, expectCoded, guardProcess, LIMIT, textOf } from '../../../test-support/misuse.js';
import { echoServer, rawServer } from '../../../test-support/misuse-sockets.js';
import { within } from '../../../test-support/waits.js';
import { errorOfCallOrSubscribe, HOST, INVALID, NOT_CODECS, OUT_OF_RANGE, outcome } from './support/misuse.js';

guardProcess();
const defer = cleanups();

describe('socket$()', () => {
  it.each<[string, unknown, string]>([
    ['options undefined', undefined, INVALID],
    ['options null', null, INVALID],
    ['options a number', 7000, INVALID],
    ...NOT_CODECS.map(([what, codec]): [string, unknown, string] => [`codec ${what}`, { codec }, INVALID]),
    ['port 70000', { port: 70000 }, OUT_OF_RANGE],
    ['port -1', { port: -1 }, OUT_OF_RANGE],
    ["port 'abc'", { port: 'abc' }, INVALID],
    ["port '0x2328'", { port: '0x2328' }, INVALID],
    ['capacity -1', { capacity: -1 }, OUT_OF_RANGE],
    ['capacity NaN', { capacity: Number.NaN }, OUT_OF_RANGE],
    ["capacity '4'", { capacity: '4' }, INVALID],
    ["overflow 'wait'", { overflow: 'wait' }, INVALID],
    ['timeout -1', { timeout: -1 }, OUT_OF_RANGE],
    ['openObserver 5', { openObserver: 5 }, INVALID],
    ['closeObserver 5', { closeObserver: 5 }, INVALID],
  ])(
    'fails (at the call or as the error notification) for %s (ERR_OUT_OF_RANGE for a number out of range, else ERR_INVALID_ARG)',
    async (_, options, code) => {
      const server = await rawServer(defer);
      const base = { host: HOST, port: server.port, codec: lines() };
      const make = () =>
        socket$(options !== null && typeof options === 'object' ? { ...base, ...(options as object) } : any(options));
      expectCoded(await errorOfCallOrSubscribe(make), code);
    },
  );

  it('timeout: 0 means no timeout: it connects (even on a busy event loop) and exchanges frames', async () => {
    const { listener } = await echoServer(defer);
    const sock = socket$({ ...(listener.address as { host: string; port: number }), timeout: 0, codec: lines() });
    const replies = firstValueFrom(sock.pipe(toArray()));
    busyFor(5);
    sock.next('ping');
    sock.complete();
    expect(await within(replies, LIMIT, 'the echo')).toEqual(['ping']);
  });

  it.each<[string, () => unknown, unknown]>([
    ["lengthPrefixed() and next('hello')", () => lengthPrefixed(), 'hello'],
    ['json() and next(undefined)', () => json(), undefined],
  ])(
    'a frame the codec refuses (%s): next() does not throw, subscribers get ERR_ENCODE, none of its bytes are sent',
    async (_, codec, frame) => {
      const server = await rawServer(defer);
      const sock = socket$<unknown, unknown>({ host: HOST, port: server.port, codec: any(codec()) });
      const seen = outcome(sock);
      const peer = await server.nextPeer();
      expect(() => sock.next(frame)).not.toThrow();
      const ended = await seen;
      expectCoded(ended.error, 'ERR_ENCODE');
      await within(peer.ended, LIMIT, 'the peer seeing the connection end');
      expect([...peer.received()]).toEqual([]);
    },
  );

  it('after a refused frame on one socket$, another client of the same server still round-trips', async () => {
    const { listener } = await echoServer(defer);
    const address = listener.address as { host: string; port: number };
    const bad = socket$<Uint8Array>({ ...address, codec: lengthPrefixed() });
    const badEnd = outcome(bad);
    bad.next(any('not bytes'));
    expectCoded((await badEnd).error, 'ERR_ENCODE');
    const good = socket$<Uint8Array>({ ...address, codec: lengthPrefixed() });
    const replies = firstValueFrom(good.pipe(toArray()));
    good.next(bytes('fine'));
    good.complete();
    expect((await within(replies, LIMIT, 'the echo')).map(textOf)).toEqual(['fine']);
  });

  it('complete() twice, error() after complete(), next() after complete(): none throws, nothing crashes', async () => {
    const { listener } = await echoServer(defer);
    const sock = socket$({ ...(listener.address as { host: string; port: number }), codec: lines() });
    const replies = firstValueFrom(sock.pipe(toArray()));
    sock.next('once');
    expect(() => {
      sock.complete();
      sock.complete();
      sock.next('ignored');
    }).not.toThrow();
    expect(await within(replies, LIMIT, 'the echo')).toEqual(['once']);
    expect(() => sock.error(new Error('late'))).not.toThrow();
  });
});
