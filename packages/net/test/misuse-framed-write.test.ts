/**
 * Misuse of Framed.write() and writeAll() in @sluice/net, over real loopback
 * sockets: frames the codec cannot encode, sources that are not lists of
 * frames, aborted signals, and custom codecs that misbehave. Each mistake must
 * give a coded error where the caller waits, send nothing it should not
 * (checked with a plain node:net peer: the first bytes it receives are a
 * marker written afterwards), and harm nothing else. The values nobody means
 * are in `support/misuse.ts`.
 */
import { type Codec, json, lengthPrefixed, lines } from '@sluice/codec';
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
import { connectedPair, expectNothingSentBefore } from '../../../test-support/misuse-sockets.js';
import { stillPending, within } from '../../../test-support/waits.js';

guardProcess();
const defer = cleanups();

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
