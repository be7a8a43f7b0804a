/**
 * Misuse of @sluice/net's bind() and the DatagramSocket it gives, over real
 * loopback sockets: bad ports and options, send() with bad data, ports or
 * hosts, aborted signals, sending after close, and two iterations at once.
 * Each mistake must give a coded error where the caller waits and harm nothing
 * else. The values nobody means are in `support/misuse.ts`.
 */
import { bind } from '@sluice/net';
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
  textOf,
  thrownBy,
} from '../../../test-support/misuse.js';
import { within } from '../../../test-support/waits.js';
import {
  BAD_PORTS,
  HOST,
  handles,
  handlesSettle,
  isCoded,
  NOT_BYTES,
  NOT_OPTIONS,
  NOT_SIGNALS,
  notAPort,
} from './support/misuse.js';

guardProcess();
const defer = cleanups();

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
