/**
 * Misuse of @sluice/net, over real loopback sockets: bad ports
 * and options, bytes of the wrong type, aborted signals, and double use
 * (two readers at once, serve() twice, accept() during serve(), writing after
 * close). Each mistake must give a coded error where the caller waits, send
 * nothing it should not (checked with a plain node:net peer: the first bytes
 * it receives are a marker written afterwards), and harm nothing else.
 */
import net from 'node:net';
import { type Codec, json, lengthPrefixed, lines } from '@sluice/codec';
import { bind, type Connection, connect, fromNodeSocket, type Listener, listen } from '@sluice/net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes } from '../../../test-support/chunking.js';
import {
  abortedSignal,
  any,
  BAD_ARGUMENT,
  busyFor,
  cleanups,
  errorOfCallOrFirstNext,
  expectCoded,
  guardProcess,
  LIMIT,
  rejectionOf,
  settle,
  show,
  textOf,
  thrownBy,
} from '../../../test-support/misuse.js';
import {
  connectedPair,
  echoServer,
  expectEchoes,
  expectNothingSentBefore,
  readText,
} from '../../../test-support/misuse-sockets.js';
import { stillPending, turns, within } from '../../../test-support/waits.js';

guardProcess();
const defer = cleanups();

const HOST = '127.0.0.1';

/** Ports nobody means: out of range, not integers, not numbers. */
const BAD_PORTS: [string, unknown][] = [
  ['70000', 70000],
  ['65536', 65536],
  ['-1', -1],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['1.5', 1.5],
  ["'' (empty string)", ''],
  ["'abc'", 'abc'],
  ["'1e3'", '1e3'],
  ["'0x2328'", '0x2328'],
  ['null', null],
  ['a plain object', {}],
  ['an object without a prototype', Object.create(null)],
  ['true', true],
];

/** fast-check values that are not a port: never an integer from 0 to 65535, nor a string of decimal digits. */
const notAPort = fc.oneof(
  fc.integer({ min: 65536 }),
  fc.integer({ max: -1 }),
  fc.double({ noInteger: true }),
  fc.string().filter((s) => !/^\s*\d+\s*$/.test(s)),
  fc.constant(null),
  fc.boolean(),
  fc.object(),
);

const NOT_OPTIONS: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 8080],
  ["a string ('127.0.0.1:8080')", '127.0.0.1:8080'],
];

const NOT_SIGNALS: [string, unknown][] = [
  ['a plain object', {}],
  ['a string', 'abort'],
  ['an AbortController (not its signal)', new AbortController()],
];

/** The options every connection takes, with values nobody means. */
const BAD_CONNECTION_OPTIONS: [string, Record<string, unknown>][] = [
  ['readCapacity -1', { readCapacity: -1 }],
  ['readCapacity NaN', { readCapacity: Number.NaN }],
  ["readCapacity 'abc'", { readCapacity: 'abc' }],
  ['closeTimeout -1', { closeTimeout: -1 }],
  ['closeTimeout NaN', { closeTimeout: Number.NaN }],
  ["closeTimeout 'abc'", { closeTimeout: 'abc' }],
  ['idleTimeout -1', { idleTimeout: -1 }],
  ['idleTimeout NaN', { idleTimeout: Number.NaN }],
  ["idleTimeout 'abc'", { idleTimeout: 'abc' }],
];

/** Socket handles the process holds (servers, TCP and UDP sockets). */
const handles = (kind: RegExp) => process.getActiveResourcesInfo().filter((name) => kind.test(name)).length;

/** Waits (turn by turn, bounded) until at most `count` handles of `kind` are left; returns how many are. */
async function handlesSettle(kind: RegExp, count: number): Promise<number> {
  const deadline = Date.now() + LIMIT;
  while (handles(kind) > count && Date.now() < deadline) await turns(1);
  return handles(kind);
}

/** A listener closed after the test. */
async function listener(): Promise<Listener> {
  const l = await within(listen({ host: HOST, port: 0 }), LIMIT, 'listening');
  defer(() => l.close());
  return l;
}

const portOf = (l: Listener): number => (l.address as { port: number }).port;

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

const isCoded = (error: unknown, code: string) =>
  error instanceof Error && (error as Error & { code?: unknown }).code === code;

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

/** Values that are not bytes nor a string, for every write. */
const NOT_BYTES: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 5],
  ['a plain object', { not: 'bytes' }],
  ['an array of numbers', [104, 105]],
  ['a boolean', true],
];

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

describe('reading', () => {
  type Read = (conn: Connection) => Promise<unknown>;
  const rawRead: Read = (conn) => conn.reader()[Symbol.asyncIterator]().next();
  const iterRead: Read = (conn) => conn[Symbol.asyncIterator]().next();
  const streamRead: Read = (conn) => conn.readable().getReader().read();

  /** What a read gave, as text: a frame, or the bytes of an iterator or stream result. */
  const asText = (got: unknown): string => {
    if (typeof got === 'string') return got;
    const value = (got as { value?: unknown } | undefined)?.value;
    if (typeof value === 'string') return value;
    return value instanceof Uint8Array ? textOf(value) : show(got);
  };

  const pairs: [string, (conn: Connection) => [Read, Read]][] = [
    ['two conn.reader() iterators', () => [rawRead, rawRead]],
    ['for await over the connection and a conn.reader()', () => [iterRead, rawRead]],
    ['conn.readable() and a conn.reader()', () => [streamRead, rawRead]],
    [
      'framed.read() twice on one Framed',
      (conn) => {
        const io = conn.framed(lines());
        return [() => io.read(), () => io.read()];
      },
    ],
    [
      'two Framed views of one connection',
      (conn) => [() => conn.framed(lines()).read(), () => conn.framed(lines()).read()],
    ],
    [
      'a Framed iterator and a conn.reader()',
      (conn) => [() => conn.framed(lines())[Symbol.asyncIterator]().next(), rawRead],
    ],
  ];

  it.each(pairs)(
    '%s reading at once: the second read rejects with a coded error; the first still gets the data',
    async (_, reads) => {
      const { conn, peer } = await connectedPair(defer);
      const [first, second] = reads(conn);
      const waiting = first(conn);
      waiting.catch(() => {});
      expect(await stillPending(waiting)).toBe(true);
      expectCoded(await rejectionOf(() => second(conn)));
      peer.socket.write('hello\n');
      const got = await within(waiting, LIMIT, 'the first read getting the data');
      expect(asText(got)).toMatch(/^hello/);
    },
  );

  it('reader({ signal }) with an already-aborted signal rejects with ABORT_ERR; another reader then gets the data', async () => {
    const { conn, peer } = await connectedPair(defer);
    expectCoded(
      await rejectionOf(() => conn.reader({ signal: abortedSignal() })[Symbol.asyncIterator]().next()),
      'ABORT_ERR',
    );
    peer.socket.write('after\n');
    const next = await within(conn.reader()[Symbol.asyncIterator]().next(), LIMIT, 'reading after the abort');
    expect(next.done ? '' : textOf(next.value)).toBe('after\n');
  });

  it('a read aborted while it waits rejects with ABORT_ERR; no data is lost, another reader then gets it', async () => {
    const { conn, peer } = await connectedPair(defer);
    const controller = new AbortController();
    const waiting = conn.reader({ signal: controller.signal })[Symbol.asyncIterator]().next();
    expect(await stillPending(waiting)).toBe(true);
    controller.abort();
    expectCoded(await rejectionOf(() => waiting), 'ABORT_ERR');
    peer.socket.write('kept\n');
    const next = await within(conn.reader()[Symbol.asyncIterator]().next(), LIMIT, 'reading after the abort');
    expect(next.done ? '' : textOf(next.value)).toBe('kept\n');
  });

  it.each(NOT_SIGNALS)(
    'reader({ signal: %s }) fails with ERR_INVALID_ARG (at reader() or at next())',
    async (_, signal) => {
      const { conn } = await connectedPair(defer);
      expectCoded(await errorOfCallOrFirstNext(() => conn.reader({ signal: any(signal) })), ...BAD_ARGUMENT);
    },
  );

  it('framed(codec, { signal }) with an already-aborted signal: read() rejects with ABORT_ERR; a new Framed then reads the frame', async () => {
    const { conn, peer } = await connectedPair(defer);
    const io = conn.framed(lines(), { signal: abortedSignal(), keepOpen: true });
    expectCoded(await rejectionOf(() => io.read()), 'ABORT_ERR');
    peer.socket.write('line\n');
    expect(await within(conn.framed(lines()).read(), LIMIT, 'reading after the abort')).toBe('line');
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a plain object', {}],
    ['the lines function itself (not lines())', lines],
    ['an object with decoder only', { decoder: () => lines().decoder() }],
  ])('framed(codec) throws ERR_INVALID_ARG at once when the codec is %s', async (_, codec) => {
    const { conn } = await connectedPair(defer);
    expectCoded(await thrownBy(() => conn.framed(any(codec))), ...BAD_ARGUMENT);
  });

  it.each<[string, unknown]>([
    ['a number', 5],
    ['a string', 'keepOpen'],
    ...NOT_SIGNALS.map(([what, signal]): [string, unknown] => [`{ signal: ${what} }`, { signal }]),
  ])('framed(lines(), %s) throws ERR_INVALID_ARG at once', async (_, options) => {
    const { conn } = await connectedPair(defer);
    expectCoded(await thrownBy(() => conn.framed(lines(), any(options))), ...BAD_ARGUMENT);
  });
});

/** A codec built around `lines()` with one part replaced. */
function customCodec(parts: Partial<Codec<string>>): Codec<string> {
  const base = lines();
  return { name: 'custom', decoder: () => base.decoder(), encoder: () => base.encoder(), ...parts };
}

describe('Framed.write() and writeAll()', () => {
  const wrongFrames: [string, () => Codec<unknown, unknown>, [string, unknown][]][] = [
    [
      'lengthPrefixed()',
      () => lengthPrefixed() as Codec<unknown, unknown>,
      [
        ["'hello' (a string)", 'hello'],
        ['123', 123],
        ['a plain object', {}],
        ['null', null],
        ['undefined', undefined],
      ],
    ],
    [
      'lines()',
      () => lines() as Codec<unknown, unknown>,
      [
        ['5', 5],
        ['undefined', undefined],
        ['a plain object', { line: 'x' }],
        ['bytes', bytes('x')],
      ],
    ],
    [
      'json()',
      () => json(),
      [
        ['undefined', undefined],
        ['a function', () => 1],
        ['a BigInt', 1n],
      ],
    ],
  ];
  const table = wrongFrames.flatMap(([name, codec, frames]) =>
    frames.map(([what, frame]) => [name, what, codec, frame] as const),
  );

  it.each(table)(
    'framed(%s).write(%s) rejects (never throws) with ERR_ENCODE, sends nothing, and the connection still works',
    async (_, __, codec, frame) => {
      const { conn, peer } = await connectedPair(defer);
      const io = conn.framed(codec());
      expectCoded(await rejectionOf(() => io.write(frame)), 'ERR_ENCODE');
      expect(conn.counters.framesOut).toBe(0);
      await expectNothingSentBefore(conn, peer);
    },
  );

  it('framed.write(frame, { signal }) with an already-aborted signal rejects with ABORT_ERR and sends nothing', async () => {
    const { conn, peer } = await connectedPair(defer);
    const io = conn.framed(lengthPrefixed());
    expectCoded(await rejectionOf(() => io.write(bytes('not this'), { signal: abortedSignal() })), 'ABORT_ERR');
    await expectNothingSentBefore(conn, peer);
  });

  it.each<[string, () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>]>([
    ['an array', () => [bytes('a'), bytes('b')]],
    [
      'an async generator',
      () =>
        (async function* () {
          yield bytes('a');
          yield bytes('b');
        })(),
    ],
  ])(
    'framed.writeAll(%s, { signal }) with an already-aborted signal rejects with ABORT_ERR and sends nothing',
    async (_, source) => {
      const { conn, peer } = await connectedPair(defer);
      const io = conn.framed(lengthPrefixed());
      expectCoded(await rejectionOf(() => io.writeAll(source(), { signal: abortedSignal() })), 'ABORT_ERR');
      await expectNothingSentBefore(conn, peer);
    },
  );

  it('writeAll() aborted while it waits for its source rejects with ABORT_ERR; what came before was sent, the connection works', async () => {
    const { conn, peer } = await connectedPair(defer);
    const io = conn.framed(lines());
    let release!: () => void;
    const never = new Promise<void>((resolve) => (release = resolve));
    defer(() => release());
    const source = (async function* () {
      yield 'before';
      await never;
      yield 'after';
    })();
    const controller = new AbortController();
    const writing = io.writeAll(source, { signal: controller.signal });
    writing.catch(() => {});
    await peer.waitForBytes('before\n'.length, 'the first frame');
    expect(await stillPending(writing)).toBe(true);
    controller.abort();
    expectCoded(await rejectionOf(() => writing), 'ABORT_ERR');
    await io.write('later');
    expect((await peer.waitForBytes(13)).toString()).toBe('before\nlater\n');
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a plain object', {}],
    ["a string ('abc', not a list of frames)", 'abc'],
  ])('framed.writeAll(%s) rejects (never throws) with ERR_INVALID_ARG and sends nothing', async (_, source) => {
    const { conn, peer } = await connectedPair(defer);
    const io = conn.framed(lines());
    expectCoded(await rejectionOf(() => io.writeAll(any(source))), ...BAD_ARGUMENT);
    await expectNothingSentBefore(conn, peer);
  });

  it('writeAll() of [good, bad, good]: rejects with ERR_ENCODE; only the frame before the bad one is sent', async () => {
    const { conn, peer } = await connectedPair(defer);
    const io = conn.framed(lengthPrefixed({ width: 1 }));
    expectCoded(await rejectionOf(() => io.writeAll(any([bytes('A'), 'B', bytes('C')]))), 'ERR_ENCODE');
    await conn.write('MARK');
    const got = await peer.waitForBytes(6);
    expect([...got]).toEqual([1, 65, ...bytes('MARK')]);
  });

  it.each<[string, unknown]>([
    ['a plain object', { bytes: 'x' }],
    ['undefined', undefined],
    ['a number', 7],
  ])(
    'a custom encoder that returns %s instead of bytes: write() rejects with ERR_ENCODE or ERR_INVALID_ARG, sends nothing, the connection works',
    async (_, output) => {
      const { conn, peer } = await connectedPair(defer);
      const codec = customCodec({ encoder: () => ({ encode: () => any(output) }) });
      const io = conn.framed(codec);
      expectCoded(await rejectionOf(() => io.write('x')), 'ERR_ENCODE', ...BAD_ARGUMENT);
      await expectNothingSentBefore(conn, peer);
    },
  );

  it('a custom codec whose encoder() factory throws: write() rejects with that error and sends nothing', async () => {
    const { conn, peer } = await connectedPair(defer);
    const boom = Object.assign(new Error('no encoder'), { code: 'ERR_TEST_ENCODER' });
    const io = conn.framed(
      customCodec({
        encoder: () => {
          throw boom;
        },
      }),
    );
    expect(await rejectionOf(() => io.write('x'))).toBe(boom);
    await expectNothingSentBefore(conn, peer);
  });

  it.each<[string, Partial<Codec<string>>]>([
    [
      'decoder() factory',
      {
        decoder: () => {
          throw Object.assign(new Error('no decoder'), { code: 'ERR_TEST_DECODER' });
        },
      },
    ],
    [
      'decode()',
      {
        decoder: () => ({
          decode: () => {
            throw Object.assign(new Error('bad bytes'), { code: 'ERR_TEST_DECODER' });
          },
          end() {},
        }),
      },
    ],
  ])(
    'a custom codec whose %s throws: the read rejects with that error and the connection is destroyed',
    async (_, parts) => {
      const { conn, peer } = await connectedPair(defer);
      peer.socket.write('data\n');
      const io = conn.framed(customCodec(parts));
      const error = await rejectionOf(() => io.read());
      expect(show(error)).toMatch(/ERR_TEST_DECODER/);
      expect(conn.destroyed, 'the connection is destroyed').toBe(true);
      await within(conn.closed, LIMIT, 'the connection closing');
    },
  );
});

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

describe('bind() and DatagramSocket', () => {
  const UDP = /^UDP/;

  /** A bound UDP socket on loopback, closed after the test. */
  async function udp() {
    const socket = await within(bind({ host: HOST, port: 0 }), LIMIT, 'binding');
    defer(() => socket.close());
    return socket;
  }

  it.each(NOT_OPTIONS.filter(([, value]) => value !== undefined))(
    'rejects with ERR_INVALID_ARG when its options are %s',
    async (_, options) => {
      expectCoded(await rejectionOf(() => bind(any(options))), ...BAD_ARGUMENT);
    },
  );

  it.each(BAD_PORTS)('rejects with ERR_INVALID_ARG for port %s, and leaves no UDP socket open', async (_, port) => {
    const before = handles(UDP);
    expectCoded(await rejectionOf(() => bind({ host: HOST, port: any(port) })), ...BAD_ARGUMENT);
    expect(await handlesSettle(UDP, before)).toBeLessThanOrEqual(before);
  });

  it('property: any port that is not an integer from 0 to 65535 is refused with ERR_INVALID_ARG', async () => {
    await fc.assert(
      fc.asyncProperty(notAPort, async (port) => {
        const settled = await settle(bind({ host: HOST, port: any(port) }), LIMIT);
        if (settled.state === 'fulfilled') await (settled.value as { close(): Promise<void> }).close();
        if (settled.state !== 'rejected' || !BAD_ARGUMENT.some((code) => isCoded(settled.reason, code))) {
          throw new Error(`port ${show(port)}: ${settled.state === 'rejected' ? show(settled.reason) : settled.state}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it.each<[string, Record<string, unknown>]>([
    ["type 'udp5'", { type: 'udp5' }],
    ['type 4 (a number)', { type: 4 }],
    ['host 5 (a number)', { host: 5 }],
    ['capacity 0', { capacity: 0 }],
    ['capacity -1', { capacity: -1 }],
    ['capacity 1.5', { capacity: 1.5 }],
    ['capacity NaN', { capacity: Number.NaN }],
    ["capacity '10'", { capacity: '10' }],
    ...NOT_SIGNALS.map(([what, signal]): [string, Record<string, unknown>] => [`signal ${what}`, { signal }]),
  ])('rejects with ERR_INVALID_ARG for %s, and leaves no UDP socket open', async (_, options) => {
    const before = handles(UDP);
    expectCoded(await rejectionOf(() => bind({ host: HOST, port: 0, ...(options as object) })), ...BAD_ARGUMENT);
    expect(await handlesSettle(UDP, before)).toBeLessThanOrEqual(before);
  });

  it('rejects with ABORT_ERR for an already-aborted signal, and leaves no UDP socket open', async () => {
    const before = handles(UDP);
    expectCoded(await rejectionOf(() => bind({ host: HOST, port: 0, signal: abortedSignal() })), 'ABORT_ERR');
    expect(await handlesSettle(UDP, before)).toBeLessThanOrEqual(before);
  });

  const sendMistakes: [string, [unknown, unknown, unknown]][] = [
    ...NOT_BYTES.map(([what, data]): [string, [unknown, unknown, unknown]] => [`data ${what}`, [data, 'self', HOST]]),
    ...(
      [
        ['70000', 70000],
        ['-1', -1],
        ['0', 0],
        ['NaN', Number.NaN],
        ['1.5', 1.5],
        ["'abc'", 'abc'],
        ["'1e3'", '1e3'],
      ] as [string, unknown][]
    ).map(([what, port]): [string, [unknown, unknown, unknown]] => [`port ${what}`, ['x', port, HOST]]),
    ['host 5 (a number)', ['x', 'self', 5]],
    ['host a plain object', ['x', 'self', {}]],
  ];

  it.each(sendMistakes)(
    'send() with %s rejects (never throws) with ERR_INVALID_ARG; the socket still sends and receives',
    async (_, [data, port, host]) => {
      const socket = await udp();
      const self = socket.address.port;
      expectCoded(
        await rejectionOf(() => socket.send(any(data), { port: any(port === 'self' ? self : port), host: any(host) })),
        ...BAD_ARGUMENT,
      );
      const received = socket[Symbol.asyncIterator]();
      await socket.send('MARK', { host: HOST, port: self });
      const first = await within(received.next(), LIMIT, 'receiving the marker');
      expect(first.done ? '' : textOf(first.value.data)).toBe('MARK');
    },
  );

  it('send() with an already-aborted signal rejects with ABORT_ERR and sends nothing', async () => {
    const socket = await udp();
    const self = socket.address.port;
    expectCoded(
      await rejectionOf(() => socket.send('not this', { host: HOST, port: self }, { signal: abortedSignal() })),
      'ABORT_ERR',
    );
    const received = socket[Symbol.asyncIterator]();
    await socket.send('MARK', { host: HOST, port: self });
    const first = await within(received.next(), LIMIT, 'receiving the marker');
    expect(first.done ? '' : textOf(first.value.data)).toBe('MARK');
  });

  it('send() after close() rejects with ERR_CLOSED; close() twice resolves', async () => {
    const socket = await udp();
    await within(Promise.all([socket.close(), socket.close()]), LIMIT, 'closing twice');
    expectCoded(await rejectionOf(() => socket.send('late', { host: HOST, port: 9 })), 'ERR_CLOSED');
  });

  it('a second iteration throws ERR_ALREADY_CONSUMED; the first still receives', async () => {
    const socket = await udp();
    const first = socket[Symbol.asyncIterator]();
    expectCoded(await thrownBy(() => socket[Symbol.asyncIterator]()), 'ERR_ALREADY_CONSUMED');
    await socket.send('hi', socket.address);
    const got = await within(first.next(), LIMIT, 'receiving');
    expect(got.done ? '' : textOf(got.value.data)).toBe('hi');
  });
});
