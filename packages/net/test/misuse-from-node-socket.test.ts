/**
 * Misuse of @sluice/net's fromNodeSocket(), over real loopback sockets: what
 * is not a node socket, bad options, a socket already destroyed, and the same
 * socket adopted twice. Each mistake must give a coded error where the caller
 * waits and harm nothing else. The values nobody means are in
 * `support/misuse.ts`.
 */
import net from 'node:net';
import { type Connection, connect, fromNodeSocket, type Listener } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import {
  any,
  BAD_ARGUMENT,
  cleanups,
  expectCoded,
  guardProcess,
  LIMIT,
  rejectionOf,
  settle,
  textOf,
  thrownBy,
} from '../../../test-support/misuse.js';
import { connectedPair } from '../../../test-support/misuse-sockets.js';
import { within } from '../../../test-support/waits.js';
import { BAD_CONNECTION_OPTIONS, HOST, listenersClosedBy, portOf } from './support/misuse.js';

guardProcess();
const defer = cleanups();
const listener = listenersClosedBy(defer);

/** A Sluice client and the server side of the same connection. */
async function sluicePair(): Promise<{
  client: Connection<net.Socket>;
  server: Connection<net.Socket>;
  listener: Listener;
}> {
  const l = await listener();
  const client = await within(connect({ host: HOST, port: portOf(l) }), LIMIT, 'connecting');
  defer(() => client.destroy());
  const server = await within(l.accept(), LIMIT, 'accepting');
  if (server === undefined) throw new Error('the listener closed');
  defer(() => server.destroy());
  return { client, server, listener: l };
}

describe('fromNodeSocket()', () => {
  it.each<[string, () => Promise<unknown>]>([
    ['undefined', async () => undefined],
    ['null', async () => null],
    ['a number', async () => 5],
    ['a plain object', async () => ({ on() {} })],
    ['a Sluice Connection (not a node socket)', async () => (await connectedPair(defer)).conn],
  ])('throws ERR_INVALID_ARG at once for %s', async (_, make) => {
    const socket = await make();
    expectCoded(await thrownBy(() => fromNodeSocket(any(socket))), ...BAD_ARGUMENT);
  });

  it.each(BAD_CONNECTION_OPTIONS)('throws ERR_INVALID_ARG at once for %s', async (_, options) => {
    const raw = net.connect({ host: HOST, port: portOf(await listener()) });
    raw.on('error', () => {});
    defer(() => raw.destroy());
    expectCoded(await thrownBy(() => fromNodeSocket(raw, any(options))), ...BAD_ARGUMENT);
  });

  it('adopting a socket that is already destroyed: write rejects with ERR_CLOSED, a read ends (or rejects with ERR_CLOSED), close() resolves', async () => {
    const l = await listener();
    const raw = net.connect({ host: HOST, port: portOf(l) });
    raw.on('error', () => {});
    await within(new Promise((resolve) => raw.once('connect', resolve)), LIMIT, 'connecting');
    raw.destroy();
    await within(new Promise((resolve) => raw.once('close', resolve)), LIMIT, 'the socket closing');
    const conn = fromNodeSocket(raw);
    expectCoded(await rejectionOf(() => conn.write('x')), 'ERR_CLOSED');
    const read = await settle(conn.reader()[Symbol.asyncIterator]().next(), LIMIT);
    if (read.state === 'rejected') expectCoded(read.reason, 'ERR_CLOSED');
    else expect(read.state === 'fulfilled' ? read.value : read, 'the read').toEqual({ done: true, value: undefined });
    await within(conn.close(), LIMIT, 'close()');
    await within(conn.closed, LIMIT, 'conn.closed');
  });

  it('adopting the same socket twice throws a coded error (a socket has one owner); the first adoption still works', async () => {
    const { client, server } = await sluicePair();
    const raw = server.unwrap();
    defer(() => raw.destroy());
    const first = fromNodeSocket(raw);
    expectCoded(await thrownBy(() => fromNodeSocket(raw)));
    await client.write('once\n');
    const next = await within(first.reader()[Symbol.asyncIterator]().next(), LIMIT, 'reading the adopted socket');
    expect(next.done ? '' : textOf(next.value)).toBe('once\n');
  });
});
