/**
 * Misuse of @sluice/net's connect(), over real loopback sockets: bad options,
 * ports and timeouts, and aborted signals, before or while connecting. Each
 * mistake must give a coded error where the caller waits and harm nothing
 * else. The values nobody means are in `support/misuse.ts`.
 */
import { type Connection, connect } from '@sluice/net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abortedSignal,
  any,
  BAD_ARGUMENT,
  busyFor,
  cleanups,
  expectCoded,
  guardProcess,
  LIMIT,
  rejectionOf,
  settle,
  show,
} from '../../../test-support/misuse.js';
import { echoServer, readText } from '../../../test-support/misuse-sockets.js';
import { within } from '../../../test-support/waits.js';
import {
  BAD_CONNECTION_OPTIONS,
  BAD_PORTS,
  HOST,
  handles,
  handlesSettle,
  isCoded,
  listenersClosedBy,
  NOT_OPTIONS,
  NOT_SIGNALS,
  notAPort,
  portOf,
} from './support/misuse.js';

guardProcess();
const defer = cleanups();
const listener = listenersClosedBy(defer);

describe('connect()', () => {
  it.each(NOT_OPTIONS)('rejects with ERR_INVALID_ARG when its options are %s', async (_, options) => {
    expectCoded(await rejectionOf(() => connect(any(options))), ...BAD_ARGUMENT);
  });

  it.each([...BAD_PORTS, ['0 (no server can be there)', 0] as [string, unknown]])(
    'rejects with ERR_INVALID_ARG for port %s',
    async (_, port) => {
      expectCoded(await rejectionOf(() => connect({ host: HOST, port: any(port) })), ...BAD_ARGUMENT);
    },
  );

  it('property: any port that is not an integer from 1 to 65535 is refused with ERR_INVALID_ARG', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(notAPort, fc.constant(0)), async (port) => {
        const settled = await settle(connect({ host: HOST, port: any(port) }), LIMIT);
        if (settled.state === 'fulfilled') (settled.value as Connection).destroy();
        if (settled.state !== 'rejected' || !BAD_ARGUMENT.some((code) => isCoded(settled.reason, code))) {
          throw new Error(`port ${show(port)}: ${settled.state === 'rejected' ? show(settled.reason) : settled.state}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it.each<[string, Record<string, unknown>]>([
    ['host 5 (a number)', { host: 5 }],
    ['host a plain object', { host: {} }],
    ['timeout -1', { timeout: -1 }],
    ['timeout NaN', { timeout: Number.NaN }],
    ["timeout 'abc'", { timeout: 'abc' }],
    ...BAD_CONNECTION_OPTIONS,
    ...NOT_SIGNALS.map(([what, signal]): [string, Record<string, unknown>] => [`signal ${what}`, { signal }]),
  ])('rejects with ERR_INVALID_ARG for %s, and opens no connection', async (_, options) => {
    const l = await listener();
    expectCoded(
      await rejectionOf(() => connect({ host: HOST, port: portOf(l), ...(options as object) })),
      ...BAD_ARGUMENT,
    );
    expect(l.counters.accepted).toBe(0);
  });

  it('timeout: 0 means no timeout: it connects (even on a busy event loop) and the connection works', async () => {
    const { listener: l } = await echoServer(defer);
    const connecting = connect({ host: HOST, port: portOf(l), timeout: 0 });
    busyFor(5);
    const conn = await within(connecting, LIMIT, 'connecting with timeout 0');
    defer(() => conn.destroy());
    await conn.write('ping\n');
    await conn.closeWrite();
    expect(await readText(conn)).toBe('ping\n');
  });

  it.each([
    ['Infinity', Number.POSITIVE_INFINITY],
    ['2 ** 31 (beyond setTimeout)', 2 ** 31],
  ])(
    'timeout %s connects fine or is refused with ERR_INVALID_ARG, never fails with ERR_CONNECT_TIMEOUT',
    async (_, timeout) => {
      const l = await listener();
      const connecting = connect({ host: HOST, port: portOf(l), timeout });
      busyFor(5); // a timer wrongly armed for 1 ms now fires before the connect is seen
      const settled = await settle(connecting, LIMIT);
      if (settled.state === 'fulfilled') {
        (settled.value as Connection).destroy();
        return;
      }
      expect(settled.state).toBe('rejected');
      expectCoded(settled.state === 'rejected' ? settled.reason : undefined, ...BAD_ARGUMENT);
    },
  );

  it('rejects with ABORT_ERR for an already-aborted signal and never reaches the server', async () => {
    const l = await listener();
    expectCoded(
      await rejectionOf(() => connect({ host: HOST, port: portOf(l), signal: abortedSignal() })),
      'ABORT_ERR',
    );
    expect(l.counters.accepted).toBe(0);
  });

  it('rejects with ABORT_ERR when the signal aborts while connecting, and leaves no socket open', async () => {
    const l = await listener();
    const before = handles(/^TCPSocketWrap/);
    const controller = new AbortController();
    const connecting = connect({ host: HOST, port: portOf(l), signal: controller.signal });
    controller.abort();
    expectCoded(await rejectionOf(() => connecting), 'ABORT_ERR');
    await l.close(); // connections accepted but not handed out are closed too
    expect(await handlesSettle(/^TCPSocketWrap/, before)).toBeLessThanOrEqual(before);
  });
});
