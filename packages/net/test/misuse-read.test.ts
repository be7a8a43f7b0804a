/**
 * Misuse of reading a @sluice/net connection, over real loopback sockets: two
 * readers at once (reader(), for await, readable(), Framed views), aborted
 * signals, and framed() given what is not a codec or options. Each mistake
 * must give a coded error where the caller waits and harm nothing else. The
 * values nobody means are in `support/misuse.ts`.
 */
import { lines } from '@sluice/codec';
import type { Connection } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import {
  abortedSignal,
  any,
  BAD_ARGUMENT,
  cleanups,
  errorOfCallOrFirstNext,
  expectCoded,
  guardProcess,
  LIMIT,
  rejectionOf,
  show,
  textOf,
  thrownBy,
} from '../../../test-support/misuse.js';
import { connectedPair } from '../../../test-support/misuse-sockets.js';
import { stillPending, within } from '../../../test-support/waits.js';
import { NOT_SIGNALS } from './support/misuse.js';

guardProcess();
const defer = cleanups();

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
