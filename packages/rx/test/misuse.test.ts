/**
 * Misuse of @sluice/rx: functions given things that are not
 * Observables, iterables or codecs, bad options, frames the codec refuses,
 * and double use. A function returning an Observable may refuse at once
 * (a synchronous throw, as RxJS's `from(5)` does) or through the error
 * notification of the subscription: both are where the caller waits. Either
 * way the error is coded, nothing crashes, and other connections go on.
 */
import { json, lengthPrefixed, lines } from '@sluice/codec';
import { channel } from '@sluice/core';
import { connect } from '@sluice/net';
import { decodeWith, encodeWith, listen$, observe, type SocketSubject, socket$, toAsyncIterable } from '@sluice/rx';
import { firstValueFrom, type Observable, of, type Subscription, toArray } from 'rxjs';
import { Uint8ArrayList } from 'uint8arraylist';
import { describe, expect, it } from 'vitest';
import { bytes } from '../../../test-support/chunking.js';
import {
  any,
  busyFor,
  cleanups,
  errorOfCallOrFirstNext,
  expectCoded,
  guardProcess,
  LIMIT,
  show,
  textOf,
  thrownBy,
} from '../../../test-support/misuse.js';
import { echoServer, rawServer, readText } from '../../../test-support/misuse-sockets.js';
import { within } from '../../../test-support/waits.js';

guardProcess();
const defer = cleanups();

const HOST = '127.0.0.1';

interface Seen {
  values: unknown[];
  state: 'error' | 'complete' | 'running';
  error?: unknown;
}

/** What a subscription saw within the time limit: its values and how it ended, if it did. Unsubscribes afterwards. */
async function outcome(observable: Observable<unknown>): Promise<Seen> {
  const values: unknown[] = [];
  let subscription: Subscription | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const seen = new Promise<Seen>((resolve) => {
    timer = setTimeout(() => resolve({ values, state: 'running' }), LIMIT);
    subscription = observable.subscribe({
      next: (value) => values.push(value),
      error: (error: unknown) => resolve({ values, state: 'error', error }),
      complete: () => resolve({ values, state: 'complete' }),
    });
  });
  try {
    return await seen;
  } finally {
    clearTimeout(timer);
    subscription?.unsubscribe();
  }
}

/**
 * The error of a call returning an Observable: thrown by the call, or else
 * the error notification of a subscription. Fails if there is none.
 */
async function errorOfCallOrSubscribe(make: () => Observable<unknown>): Promise<unknown> {
  let observable: Observable<unknown>;
  try {
    observable = make();
  } catch (error) {
    return error;
  }
  const seen = await outcome(observable);
  if (seen.state === 'error') return seen.error;
  return expect.fail(
    seen.state === 'complete'
      ? `no error: the subscription completed with ${show(seen.values)}`
      : `no error: the subscription was still running after ${LIMIT} ms`,
  );
}

/**
 * The code a refused option must carry: `ERR_OUT_OF_RANGE` (an
 * `OutOfRangeError`, a RangeError) for a number out of its range,
 * `ERR_INVALID_ARG` for a value of the wrong kind (docs/conventions.md).
 */
const OUT_OF_RANGE = 'ERR_OUT_OF_RANGE';
const INVALID = 'ERR_INVALID_ARG';

const NOT_CODECS: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 5],
  ['a plain object', {}],
  ['the lines function itself (not lines())', lines],
];

describe('observe()', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a plain object', {}],
    ['a promise', Promise.resolve(1)],
  ])('fails with ERR_INVALID_ARG (at the call or as the error notification) for %s', async (_, source) => {
    expectCoded(await errorOfCallOrSubscribe(() => observe(any(source))), 'ERR_INVALID_ARG');
  });

  it('observe(a sync array) emits its values or fails with ERR_INVALID_ARG, never with a TypeError', async () => {
    let seen: Seen;
    try {
      seen = await outcome(observe(any([1, 2])));
    } catch (error) {
      expectCoded(error, 'ERR_INVALID_ARG');
      return;
    }
    if (seen.state === 'error') expectCoded(seen.error, 'ERR_INVALID_ARG');
    else expect(seen).toEqual({ values: [1, 2], state: 'complete' });
  });

  it('a single-consumer source (a channel) subscribed twice at once: the second gets ERR_ALREADY_CONSUMED, the first gets every value', async () => {
    const ch = channel<number>();
    const observable = observe(ch);
    const first = outcome(observable);
    const second = await outcome(observable);
    expectCoded(second.error, 'ERR_ALREADY_CONSUMED');
    await ch.push(1);
    ch.end();
    expect(await first).toEqual({ values: [1], state: 'complete' });
  });
});

describe('toAsyncIterable()', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a plain object', {}],
    ['an array', [1, 2]],
  ])('fails with ERR_INVALID_ARG (at the call, or the first next()) for %s', async (_, observable) => {
    expectCoded(await errorOfCallOrFirstNext(() => toAsyncIterable(any(observable))), 'ERR_INVALID_ARG');
  });

  it.each<[string, unknown, string]>([
    ['options null', null, INVALID],
    ['options a number', 16, INVALID],
    ['capacity -1', { capacity: -1 }, OUT_OF_RANGE],
    ['capacity NaN', { capacity: Number.NaN }, OUT_OF_RANGE],
    ['capacity 1.5', { capacity: 1.5 }, OUT_OF_RANGE],
    ['capacity Infinity (unbounded)', { capacity: Number.POSITIVE_INFINITY }, OUT_OF_RANGE],
    ["capacity '16' (a string)", { capacity: '16' }, INVALID],
    ['capacity an object without a prototype', { capacity: Object.create(null) }, INVALID],
    ["overflow 'wait' (a channel policy, not a push policy)", { overflow: 'wait' }, INVALID],
    ["overflow 'drop'", { overflow: 'drop' }, INVALID],
    ['overflow 5', { overflow: 5 }, INVALID],
  ])(
    'throws at once for %s (ERR_OUT_OF_RANGE for a number out of range, else ERR_INVALID_ARG)',
    async (_, options, code) => {
      expectCoded(await thrownBy(() => toAsyncIterable(of(1), any(options))), code);
    },
  );
});

describe('decodeWith() and encodeWith()', () => {
  it.each(
    (
      [
        ['decodeWith', (codec: unknown) => of(bytes('a\n')).pipe(decodeWith(any(codec)))],
        ['encodeWith', (codec: unknown) => of('a').pipe(encodeWith(any(codec)))],
      ] as const
    ).flatMap(([name, make]) => NOT_CODECS.map(([what, codec]) => [name, what, () => make(codec)] as const)),
  )('%s(codec) fails with ERR_INVALID_ARG (at the call or as the error notification) for %s', async (_, __, make) => {
    expectCoded(await errorOfCallOrSubscribe(make), 'ERR_INVALID_ARG');
  });

  it.each<[string, unknown[], string[]]>([
    ['strings', ['a\n', 'b\n'], ['a', 'b']],
    ['a Uint8ArrayList', [new Uint8ArrayList(bytes('a\nb'), bytes('\n'))], ['a', 'b']],
    ['numbers', [5], []],
  ])(
    'decodeWith(lines()) of chunks that are %s: decodes them correctly or errors with ERR_INVALID_ARG / ERR_DECODE',
    async (_, chunks, expected) => {
      const seen = await outcome((of(...chunks) as Observable<Uint8Array>).pipe(decodeWith(lines())));
      if (seen.state === 'error') expectCoded(seen.error, 'ERR_INVALID_ARG', 'ERR_DECODE');
      else {
        expect(expected.length, `no error: ${seen.state} with ${show(seen.values)}`).toBeGreaterThan(0);
        expect(seen).toEqual({ values: expected, state: 'complete' });
      }
    },
  );

  it.each<[string, Observable<unknown>, number]>([
    ["encodeWith(lengthPrefixed()) of 'hello' (a string)", of('hello').pipe(encodeWith(any(lengthPrefixed()))), 0],
    [
      'encodeWith(lengthPrefixed()) of good bytes, then 123',
      of(bytes('ok'), 123).pipe(encodeWith(any(lengthPrefixed()))),
      1,
    ],
    ['encodeWith(lines()) of 5', of(5).pipe(encodeWith(any(lines()))), 0],
    ['encodeWith(json()) of undefined', of(undefined).pipe(encodeWith(json())), 0],
  ])('%s: emits only the good frames, then errors with ERR_ENCODE', async (_, observable, good) => {
    const seen = await outcome(observable);
    expectCoded(seen.error, 'ERR_ENCODE');
    expect(seen.values.length).toBe(good);
  });
});

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

describe('listen$()', () => {
  it.each<[string, unknown, string]>([
    ['options undefined', undefined, INVALID],
    ['options null', null, INVALID],
    ['options a number', 7000, INVALID],
    ...NOT_CODECS.map(([what, codec]): [string, unknown, string] => [`codec ${what}`, { codec }, INVALID]),
    ['port 70000', { port: 70000 }, OUT_OF_RANGE],
    ['port -1', { port: -1 }, OUT_OF_RANGE],
    ["port 'abc'", { port: 'abc' }, INVALID],
    ['maxConnections -1', { maxConnections: -1 }, OUT_OF_RANGE],
    ['capacity -1', { capacity: -1 }, OUT_OF_RANGE],
    ["overflow 'wait'", { overflow: 'wait' }, INVALID],
    ['onListening 5 (not a function)', { onListening: 5 }, INVALID],
    ['closeObserver 5', { closeObserver: 5 }, INVALID],
  ])(
    'fails (at the call or as the error notification) for %s (ERR_OUT_OF_RANGE for a number out of range, else ERR_INVALID_ARG)',
    async (_, options, code) => {
      const base = { host: HOST, port: 0, codec: lines() };
      const make = () =>
        listen$(options !== null && typeof options === 'object' ? { ...base, ...(options as object) } : any(options));
      expectCoded(await errorOfCallOrSubscribe(make), code);
    },
  );

  /** A listen$ server whose subjects echo, but answer the frame 'bad' with a frame the codec refuses. */
  async function fussyServer() {
    const errors: unknown[] = [];
    let reportPort!: (port: number) => void;
    const bound = new Promise<number>((resolve) => (reportPort = resolve));
    const subscription = listen$<Uint8Array>({
      host: HOST,
      port: 0,
      codec: lengthPrefixed(),
      onListening: (address) => reportPort('port' in address ? address.port : 0),
    }).subscribe({
      next: (sock) => {
        sock.subscribe({
          next: (frame) => sock.next(textOf(frame) === 'bad' ? any('not bytes') : frame),
          error: (error: unknown) => errors.push(error),
        });
      },
      error: (error: unknown) => errors.push(error),
    });
    defer(() => subscription.unsubscribe());
    return { port: await within(bound, LIMIT, 'listen$ binding'), errors };
  }

  it("a server subject given a frame its codec refuses: its subscribers get ERR_ENCODE, that client's connection ends, the next client is still echoed", async () => {
    const { port, errors } = await fussyServer();
    const wire = lengthPrefixed().encoder();
    const badClient = await within(connect({ host: HOST, port }), LIMIT, 'connecting');
    defer(() => badClient.destroy());
    await badClient.write(wire.encode(bytes('bad')));
    const answer = await within(
      readText(badClient).catch((error: unknown) => `failed: ${show(error)}`),
      LIMIT,
      'the first connection ending',
    );
    expect(answer.includes('not bytes')).toBe(false);
    expect(errors.length).toBe(1);
    expectCoded(errors[0], 'ERR_ENCODE');

    const goodClient = await within(connect({ host: HOST, port }), LIMIT, 'connecting again');
    defer(() => goodClient.destroy());
    const io = goodClient.framed(lengthPrefixed());
    await io.write(bytes('good'));
    const echoed = await within(io.read(), LIMIT, 'the echo');
    expect(echoed === undefined ? undefined : textOf(echoed)).toBe('good');
  });

  it('a server subject subscribed again after its connection ended errors with ERR_CLOSED (it cannot reconnect)', async () => {
    let reportPort!: (port: number) => void;
    const bound = new Promise<number>((resolve) => (reportPort = resolve));
    let gotSubject!: (sock: SocketSubject<string>) => void;
    const subject = new Promise<SocketSubject<string>>((resolve) => (gotSubject = resolve));
    const subscription = listen$<string>({
      host: HOST,
      port: 0,
      codec: lines(),
      onListening: (address) => reportPort('port' in address ? address.port : 0),
    }).subscribe({ next: (sock) => gotSubject(sock), error: () => {} });
    defer(() => subscription.unsubscribe());
    const client = await within(connect({ host: HOST, port: await bound }), LIMIT, 'connecting');
    defer(() => client.destroy());
    const sock = await within(subject, LIMIT, 'the server subject');
    const first = outcome(sock);
    await client.closeWrite();
    expect(await first).toEqual({ values: [], state: 'complete' });
    expectCoded((await outcome(sock)).error, 'ERR_CLOSED');
  });
});
