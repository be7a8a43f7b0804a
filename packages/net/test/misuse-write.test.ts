/**
 * Misuse of Connection.write() in @sluice/net, over real loopback sockets:
 * bytes of the wrong type (alone, or among good writes of the same tick),
 * aborted signals, writing after close, and ending a connection twice. Each
 * mistake must give a coded error where the caller waits, send nothing it
 * should not (checked with a plain node:net peer: the first bytes it receives
 * are a marker written afterwards), and harm nothing else. The values nobody
 * means are in `support/misuse.ts`.
 */
import { lines } from '@sluice/codec';
import { type Connection, connect } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { bytes } from '../../../test-support/chunking.js';
import {
  abortedSignal,
  any,
  BAD_ARGUMENT,
  cleanups,
  expectCoded,
  guardProcess,
  LIMIT,
  rejectionOf,
  show,
} from '../../../test-support/misuse.js';
import {
  connectedPair,
  echoServer,
  expectEchoes,
  expectNothingSentBefore,
  readText,
} from '../../../test-support/misuse-sockets.js';
import { stillPending, turns, within } from '../../../test-support/waits.js';
import { HOST, NOT_BYTES, NOT_SIGNALS, portOf } from './support/misuse.js';

guardProcess();
const defer = cleanups();

describe('Connection.write()', () => {
  it.each(NOT_BYTES)(
    'write(%s) rejects (never throws) with ERR_INVALID_ARG, sends nothing, and the connection still works',
    async (_, data) => {
      const { conn, peer } = await connectedPair(defer);
      expectCoded(await rejectionOf(() => conn.write(any(data))), ...BAD_ARGUMENT);
      await expectNothingSentBefore(conn, peer);
    },
  );

  it("write('first\\n') then write({ not: 'bytes' }) in one tick: the bad write rejects with ERR_INVALID_ARG, the first is sent, the connection keeps working", async () => {
    const { conn, peer } = await connectedPair(defer);
    const first = conn.write('first\n');
    const bad = rejectionOf(() => conn.write(any({ not: 'bytes' })));
    bad.catch(() => {}); // looked at below
    await turns(2); // the end of the tick, where small writes are flushed together
    expectCoded(await bad, ...BAD_ARGUMENT);
    await within(first, LIMIT, 'the first write');
    await within(conn.write('second\n'), LIMIT, 'a write after the bad one');
    expect((await peer.waitForBytes(13)).toString()).toBe('first\nsecond\n');
    expect(conn.destroyed).toBe(false);
  });

  it('a bad write in the middle of small writes of one tick: the others are sent, in order', async () => {
    const { conn, peer } = await connectedPair(defer);
    const writes = [conn.write('a'), conn.write(bytes('b'))];
    const bad = rejectionOf(() => conn.write(any(42)));
    writes.push(conn.write('c'));
    bad.catch(() => {}); // looked at below
    await turns(2); // the end of the tick, where small writes are flushed together
    expectCoded(await bad, ...BAD_ARGUMENT);
    await within(Promise.all(writes), LIMIT, 'the good writes');
    expect((await peer.waitForBytes(3)).toString()).toBe('abc');
  });

  it('after a bad write on one connection, that connection and another one on the same listener still echo', async () => {
    const { listener: l, errors } = await echoServer(defer);
    const conn = await within(connect({ host: HOST, port: portOf(l) }), LIMIT, 'connecting');
    defer(() => conn.destroy());
    const first = conn.write('one\n');
    const bad = rejectionOf(() => conn.write(any({ not: 'bytes' })));
    bad.catch(() => {}); // looked at below
    await turns(2); // the end of the tick, where small writes are flushed together
    expectCoded(await bad, ...BAD_ARGUMENT);
    await first;
    await expectEchoes(l, 'another connection\n');
    await conn.write('two\n');
    await conn.closeWrite();
    expect(await readText(conn)).toBe('one\ntwo\n');
    expect(errors.map(show)).toEqual([]);
  });

  it('write(data, { signal }) with an already-aborted signal rejects with ABORT_ERR and sends nothing', async () => {
    const { conn, peer } = await connectedPair(defer);
    expectCoded(await rejectionOf(() => conn.write('not this\n', { signal: abortedSignal() })), 'ABORT_ERR');
    expectCoded(
      await rejectionOf(() => conn.write(new Uint8Array(32 * 1024), { signal: abortedSignal() })),
      'ABORT_ERR',
    );
    await expectNothingSentBefore(conn, peer);
  });

  it.each(NOT_SIGNALS)(
    'write(data, { signal: %s }) rejects with ERR_INVALID_ARG and sends nothing',
    async (_, signal) => {
      const { conn, peer } = await connectedPair(defer);
      expectCoded(await rejectionOf(() => conn.write('not this\n', { signal: any(signal) })), ...BAD_ARGUMENT);
      await expectNothingSentBefore(conn, peer);
    },
  );

  it('a write aborted while it waits for the peer rejects with ABORT_ERR; the connection stays open', async () => {
    const { conn } = await connectedPair(defer, { pausePeer: true });
    const controller = new AbortController();
    const waiting = conn.write(new Uint8Array(32 * 1024 * 1024), { signal: controller.signal });
    expect(await stillPending(waiting), 'a 32 MiB write to a peer that does not read is still waiting').toBe(true);
    controller.abort();
    expectCoded(await rejectionOf(() => waiting), 'ABORT_ERR');
    expect(conn.destroyed).toBe(false);
  });

  it.each<[string, (conn: Connection) => void]>([
    ['closeWrite()', (conn) => void conn.closeWrite().catch(() => {})],
    ['close() (called, still waiting for the peer)', (conn) => void conn.close().catch(() => {})],
    ['destroy()', (conn) => conn.destroy()],
  ])('write() after %s rejects with ERR_CLOSED', async (_, end) => {
    const { conn } = await connectedPair(defer);
    end(conn);
    expectCoded(await rejectionOf(() => conn.write('late\n')), 'ERR_CLOSED');
    expectCoded(await rejectionOf(() => conn.framed(lines()).write('late')), 'ERR_CLOSED');
  });

  it('close() twice, closeWrite() twice, destroy() twice, close() after destroy(): all settle without errors', async () => {
    const { conn, peer } = await connectedPair(defer);
    await within(Promise.all([conn.closeWrite(), conn.closeWrite()]), LIMIT, 'closeWrite() twice');
    peer.socket.end();
    await within(Promise.all([conn.close(), conn.close()]), LIMIT, 'close() twice');
    expect(() => {
      conn.destroy();
      conn.destroy();
    }).not.toThrow();
    await within(conn.close(), LIMIT, 'close() after destroy()');
  });
});
