/**
 * Misuse of @sluice/net's listen() and the Listener it gives, over real
 * loopback sockets: bad ports and options, aborted signals, and double use
 * (two accept() at once, serve() twice, accept() during serve(), closing
 * twice). Each mistake must give a coded error where the caller waits and harm
 * nothing else. The values nobody means are in `support/misuse.ts`.
 */
import { connect, type Listener, listen } from '@sluice/net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abortedSignal,
  any,
  BAD_ARGUMENT,
  cleanups,
  expectCoded,
  guardProcess,
  LIMIT,
  rejectionOf,
  settle,
  show,
} from '../../../test-support/misuse.js';
import { echoServer, expectEchoes } from '../../../test-support/misuse-sockets.js';
import { stillPending, within } from '../../../test-support/waits.js';
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

describe('listen()', () => {
  it.each(NOT_OPTIONS)('rejects with ERR_INVALID_ARG when its options are %s', async (_, options) => {
    expectCoded(await rejectionOf(() => listen(any(options))), ...BAD_ARGUMENT);
  });

  it.each(BAD_PORTS)('rejects with ERR_INVALID_ARG for port %s', async (_, port) => {
    expectCoded(await rejectionOf(() => listen({ host: HOST, port: any(port) })), ...BAD_ARGUMENT);
  });

  it('property: any port that is not an integer from 0 to 65535 is refused with ERR_INVALID_ARG', async () => {
    await fc.assert(
      fc.asyncProperty(notAPort, async (port) => {
        const settled = await settle(listen({ host: HOST, port: any(port) }), LIMIT);
        if (settled.state === 'fulfilled') await (settled.value as Listener).close();
        if (settled.state !== 'rejected' || !BAD_ARGUMENT.some((code) => isCoded(settled.reason, code))) {
          throw new Error(`port ${show(port)}: ${settled.state === 'rejected' ? show(settled.reason) : settled.state}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it.each<[string, Record<string, unknown>]>([
    ['host 5 (a number)', { host: 5, port: 0 }],
    ["host '' (empty: would bind every interface)", { host: '', port: 0 }],
    ['host a plain object', { host: {}, port: 0 }],
    ['neither port nor path', { host: HOST }],
    ['both port and path', { port: 0, path: '/tmp/sluice-misuse.sock' }],
    ['path 5 (a number)', { path: 5 }],
    ['maxConnections -1', { port: 0, maxConnections: -1 }],
    ['maxConnections NaN', { port: 0, maxConnections: Number.NaN }],
    ['maxConnections 1.5', { port: 0, maxConnections: 1.5 }],
    ["maxConnections 'abc'", { port: 0, maxConnections: 'abc' }],
    ['acceptCapacity -1', { port: 0, acceptCapacity: -1 }],
    ['acceptCapacity NaN', { port: 0, acceptCapacity: Number.NaN }],
    ['acceptCapacity 1.5', { port: 0, acceptCapacity: 1.5 }],
    ["acceptCapacity 'abc'", { port: 0, acceptCapacity: 'abc' }],
    ['backlog -1', { port: 0, backlog: -1 }],
    ['backlog NaN', { port: 0, backlog: Number.NaN }],
    ['backlog 1.5', { port: 0, backlog: 1.5 }],
    ["backlog 'abc'", { port: 0, backlog: 'abc' }],
    ...BAD_CONNECTION_OPTIONS.map(([what, options]): [string, Record<string, unknown>] => [
      what,
      { port: 0, ...options },
    ]),
    ...NOT_SIGNALS.map(([what, signal]): [string, Record<string, unknown>] => [`signal ${what}`, { port: 0, signal }]),
    ['onClientError 5 (not a function)', { port: 0, onClientError: 5 }],
  ])('rejects with ERR_INVALID_ARG for %s', async (_, options) => {
    expectCoded(await rejectionOf(() => listen({ host: HOST, ...(options as object) })), ...BAD_ARGUMENT);
  });

  it('rejects with ABORT_ERR for an already-aborted signal, and binds nothing', async () => {
    const before = handles(/^TCPServerWrap/);
    expectCoded(await rejectionOf(() => listen({ host: HOST, port: 0, signal: abortedSignal() })), 'ABORT_ERR');
    expect(await handlesSettle(/^TCPServerWrap/, before)).toBeLessThanOrEqual(before);
  });

  it('rejects with ABORT_ERR when the signal aborts while binding, and leaves no server bound', async () => {
    const before = handles(/^TCPServerWrap/);
    const controller = new AbortController();
    const binding = listen({ host: HOST, port: 0, signal: controller.signal });
    controller.abort();
    expectCoded(await rejectionOf(() => binding), 'ABORT_ERR');
    expect(await handlesSettle(/^TCPServerWrap/, before)).toBeLessThanOrEqual(before);
  });
});

describe('Listener: accept() and serve()', () => {
  it.each<[string, unknown]>([
    ['a number', 5],
    ['a string', 'now'],
    ...NOT_SIGNALS.map(([what, signal]): [string, unknown] => [`{ signal: ${what} }`, { signal }]),
  ])('accept(%s) rejects (never throws) with ERR_INVALID_ARG; the listener still accepts', async (_, options) => {
    const l = await listener();
    expectCoded(await rejectionOf(() => l.accept(any(options))), ...BAD_ARGUMENT);
    const client = await connect({ host: HOST, port: portOf(l) });
    defer(() => client.destroy());
    const conn = await within(l.accept(), LIMIT, 'accepting after the mistake');
    expect(conn).toBeDefined();
    conn?.destroy();
  });

  it('accept({ signal }) with an already-aborted signal rejects with ABORT_ERR; the next accept() still gets the connection', async () => {
    const l = await listener();
    expectCoded(await rejectionOf(() => l.accept({ signal: abortedSignal() })), 'ABORT_ERR');
    const client = await connect({ host: HOST, port: portOf(l) });
    defer(() => client.destroy());
    const conn = await within(l.accept(), LIMIT, 'accepting after the abort');
    expect(conn).toBeDefined();
    conn?.destroy();
  });

  it('accept() aborted while waiting rejects with ABORT_ERR; the next accept() still gets the connection', async () => {
    const l = await listener();
    const controller = new AbortController();
    const waiting = l.accept({ signal: controller.signal });
    expect(await stillPending(waiting)).toBe(true);
    controller.abort();
    expectCoded(await rejectionOf(() => waiting), 'ABORT_ERR');
    const client = await connect({ host: HOST, port: portOf(l) });
    defer(() => client.destroy());
    const conn = await within(l.accept(), LIMIT, 'accepting after the abort');
    expect(conn).toBeDefined();
    conn?.destroy();
  });

  it('two accept() at once: the second rejects with a coded error; the first still gets the connection', async () => {
    const l = await listener();
    const first = l.accept();
    expectCoded(await rejectionOf(() => l.accept()));
    const client = await connect({ host: HOST, port: portOf(l) });
    defer(() => client.destroy());
    const conn = await within(first, LIMIT, 'the first accept() getting the connection');
    expect(conn).toBeDefined();
    conn?.destroy();
  });

  it('accept() during serve() rejects with a coded error; serve() still echoes', async () => {
    const { listener: l } = await echoServer(defer);
    expectCoded(await rejectionOf(() => l.accept()));
    await expectEchoes(l);
  });

  it('serve() twice: the second rejects with a coded error; the first still echoes, and gets no error', async () => {
    const { listener: l, errors } = await echoServer(defer);
    expectCoded(await rejectionOf(() => l.serve(async () => {})));
    await expectEchoes(l);
    expect(l.listening).toBe(true);
    expect(errors.map(show)).toEqual([]);
  });

  it('serve() while an accept() waits rejects with a coded error; the accept() still gets the connection', async () => {
    const l = await listener();
    const waiting = l.accept();
    expectCoded(await rejectionOf(() => l.serve(async () => {})));
    const client = await connect({ host: HOST, port: portOf(l) });
    defer(() => client.destroy());
    const conn = await within(waiting, LIMIT, 'the waiting accept()');
    expect(conn).toBeDefined();
    conn?.destroy();
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a string', 'echo'],
    ['a plain object', { handle() {} }],
  ])(
    'serve(handler) rejects at once with ERR_INVALID_ARG when the handler is %s; a later serve() works',
    async (_, handler) => {
      const l = await listener();
      expectCoded(await rejectionOf(() => l.serve(any(handler))), ...BAD_ARGUMENT);
      expect(l.listening).toBe(true);
      const served = l.serve(async (conn) => {
        for await (const chunk of conn) await conn.write(chunk);
      });
      served.catch(() => {});
      await expectEchoes(l);
      await l.close();
      await within(served, LIMIT, 'serve() ending');
    },
  );

  it.each<[string, unknown]>([
    ['options a number', 5],
    ['options a string', 'fast'],
    ['concurrency 0 (would wait forever)', { concurrency: 0 }],
    ['concurrency -1', { concurrency: -1 }],
    ['concurrency NaN', { concurrency: Number.NaN }],
    ['concurrency 1.5', { concurrency: 1.5 }],
    ["concurrency 'abc'", { concurrency: 'abc' }],
    ['shutdownTimeout -1', { shutdownTimeout: -1 }],
    ['shutdownTimeout NaN', { shutdownTimeout: Number.NaN }],
    ["shutdownTimeout 'abc'", { shutdownTimeout: 'abc' }],
    ['onError 5 (not a function)', { onError: 5 }],
    ...NOT_SIGNALS.map(([what, signal]): [string, unknown] => [`signal ${what}`, { signal }]),
  ])(
    'serve(handler, %s) rejects at once with ERR_INVALID_ARG; the listener stays open and a later serve() works',
    async (_, options) => {
      const l = await listener();
      let calls = 0;
      expectCoded(await rejectionOf(() => l.serve(async () => void calls++, any(options))), ...BAD_ARGUMENT);
      expect(l.listening).toBe(true);
      const served = l.serve(async (conn) => {
        for await (const chunk of conn) await conn.write(chunk);
      });
      served.catch(() => {});
      await expectEchoes(l);
      expect(calls).toBe(0);
      await l.close();
      await within(served, LIMIT, 'serve() ending');
    },
  );

  it('serve() with an already-aborted signal resolves at once (a shutdown before the start), runs no handler and closes the listener', async () => {
    const l = await listener();
    let calls = 0;
    await within(
      l.serve(async () => void calls++, { signal: abortedSignal() }),
      LIMIT,
      'serve() with an aborted signal settling',
    );
    expect(calls).toBe(0);
    expect(l.listening).toBe(false);
  });

  it('close() twice resolves both times; accept() then resolves undefined and serve() resolves at once', async () => {
    const l = await listener();
    await within(Promise.all([l.close(), l.close()]), LIMIT, 'closing twice');
    await within(l.close(), LIMIT, 'closing a third time');
    expect(await within(l.accept(), LIMIT, 'accept() after close()')).toBeUndefined();
    await within(
      l.serve(async () => {}),
      LIMIT,
      'serve() after close()',
    );
  });
});
