/**
 * Every way a framed reader or writer fails, over the in-memory transport:
 * what it rejects with (the error itself, with its code), whether the
 * connection is destroyed (decode errors: yes, published on
 * `sluice:frame:error`; encode errors: no), and that a reader that failed
 * keeps failing with the same error, never looking ended.
 */
import diagnostics from 'node:diagnostics_channel';
import { DecodeError, lengthPrefixed, lines } from '@sluice/codec';
import { channels, type Framed, type FrameErrorMessage } from '@sluice/connection';
import { takeNow } from '@sluice/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  encodingTo,
  pushingAndReturning,
  returning,
  throwingDecode,
  throwingEncode,
  throwingEnd,
  throwingFactory,
} from './support/codecs.js';
import { connectedPair, type Pair, received, rejection, turn } from './support/pair.js';

let published: FrameErrorMessage[] = [];
const onFrameError = (message: unknown) => published.push(message as FrameErrorMessage);
beforeEach(() => {
  published = [];
  diagnostics.subscribe(channels.frameError, onFrameError);
});
afterEach(() => void diagnostics.unsubscribe(channels.frameError, onFrameError));

/** Asserts that `io` failed with `failure` for good: every way of reading rejects with it, and nothing is at hand. */
async function expectStuck(io: Framed<unknown, unknown>, failure: unknown): Promise<void> {
  for (let retry = 0; retry < 2; retry++) await expect(io.read()).rejects.toBe(failure);
  const iterator = io[Symbol.asyncIterator]();
  expect(iterator[takeNow]()).toBeUndefined();
  await expect(iterator.next()).rejects.toBe(failure);
  await expect(io.byChunk()[Symbol.asyncIterator]().next()).rejects.toBe(failure);
}

/** Asserts that `pair.conn` was destroyed by the decode error `failure`, published once on `sluice:frame:error`. */
async function expectDestroyedBy(pair: Pair, failure: unknown): Promise<void> {
  expect(pair.conn.destroyed).toBe(true);
  await pair.conn.closed;
  expect(pair.conn.error).toBe(failure);
  expect(published).toEqual([{ connection: pair.conn, error: failure }]);
}

describe('a decoder that throws', () => {
  it.each<[string, unknown]>([
    ['a coded error', new DecodeError('bad byte')],
    ['an uncoded error', new Error('decoder bug')],
  ])(
    'in decode(), %s: the read rejects with it, the connection is destroyed, and it stays failed',
    async (_, thrown) => {
      await using pair = connectedPair();
      const io = pair.conn.framed(throwingDecode(thrown));
      void pair.peer.write('bytes');
      expect(await rejection(io.read())).toBe(thrown);
      await expectDestroyedBy(pair, thrown);
      expect(pair.conn.counters.framesIn).toBe(0);
      await expectStuck(io, thrown);
    },
  );

  it('in end() (a truncated frame): the frames before it arrive, then ERR_TRUNCATED_FRAME', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines({ allowUnterminated: false }));
    void pair.peer.write('whole\nhalf a li').then(() => pair.peer.closeWrite());
    expect(await io.read()).toBe('whole');
    const failure = await rejection(io.read());
    expect(failure).toMatchObject({ code: 'ERR_TRUNCATED_FRAME' });
    await expectDestroyedBy(pair, failure);
    await expectStuck(io, failure);
  });

  it("in a custom decoder's end(): the frames before it arrive, then its error", async () => {
    await using pair = connectedPair();
    const thrown = new Error('cut off');
    const io = pair.conn.framed(throwingEnd(thrown));
    void pair.peer.write('abc').then(() => pair.peer.closeWrite());
    expect(new TextDecoder().decode((await io.read()) as Uint8Array)).toBe('abc');
    expect(await rejection(io.read())).toBe(thrown);
    await expectDestroyedBy(pair, thrown);
    await expectStuck(io, thrown);
  });

  it('in its decoder() factory: the first read rejects with it and the connection is destroyed', async () => {
    await using pair = connectedPair();
    const thrown = new Error('no decoder today');
    const io = pair.conn.framed(throwingFactory(thrown));
    void pair.peer.write('bytes');
    expect(await rejection(io.read())).toBe(thrown);
    await expectDestroyedBy(pair, thrown);
    await expectStuck(io, thrown);
  });

  it('behind good frames of the same chunk (takeNow too): the frames, then the error on the next read', async () => {
    await using pair = connectedPair();
    const iterator = pair.conn.framed(lengthPrefixed({ maxFrameLength: 4 }))[Symbol.asyncIterator]();
    void pair.peer.write(Uint8Array.of(0, 0, 0, 1, 7, 0, 0, 3, 232)); // a frame, then a header announcing 1000
    expect((await iterator.next()).value).toEqual(Uint8Array.of(7));
    expect(iterator[takeNow]()).toBeUndefined(); // the error is not lost to takeNow: next() rejects with it
    const failure = await rejection(iterator.next());
    expect(failure).toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    await expectDestroyedBy(pair, failure);
  });
});

/** What a decoder may not return (it returns nothing), and how the refusal names it. */
const RETURNED: [string, unknown][] = [
  ['an Array (its frames, as decoders did before 0.1.0)', ['a']],
  ['an Array (its frames, as decoders did before 0.1.0)', []],
  ['a number', 3],
  ['a Set', new Set(['a'])],
  ['a string', 'abc'],
  ['null', null],
  ['an object', { 0: 'a', length: 1 }],
];
const CONTRACT =
  'a decoder pushes its frames onto the array it is given, decode(chunk, frames) and end(frames), and returns nothing';

describe('a custom decoder that returns something (written to the old contract)', () => {
  it.each(RETURNED)(
    'from decode(), %s: ERR_CODEC_CONTRACT saying what to change, no frame, and the connection is destroyed',
    async (kind, output) => {
      await using pair = connectedPair();
      const io = pair.conn.framed(returning(output));
      void pair.peer.write('bytes');
      const failure = await rejection(io.read());
      expect(failure).toMatchObject({ code: 'ERR_CODEC_CONTRACT' });
      expect((failure as Error).message).toBe(`buggy: the decoder returned ${kind}; ${CONTRACT}`);
      await expectDestroyedBy(pair, failure);
      expect(pair.conn.counters.framesIn).toBe(0);
      await expectStuck(io, failure);
    },
  );

  it.each(RETURNED)('from end(), %s: ERR_CODEC_CONTRACT after the frames before it', async (kind, output) => {
    await using pair = connectedPair();
    const io = pair.conn.framed(returning(output, 'end'));
    void pair.peer.write('abc').then(() => pair.peer.closeWrite());
    expect(await io.read()).toBeInstanceOf(Uint8Array);
    const failure = await rejection(io.read());
    expect((failure as Error).message).toBe(`buggy: the decoder returned ${kind}; ${CONTRACT}`);
    await expectDestroyedBy(pair, failure);
  });
});

describe('a custom decoder that pushes its frames and returns an array too', () => {
  it('its own array: ERR_CODEC_CONTRACT before any frame it pushed, and the connection is destroyed', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(pushingAndReturning(false));
    void pair.peer.write('bytes');
    const failure = await rejection(io.read());
    expect((failure as Error).message).toBe(
      `hybrid: the decoder returned an Array (its frames, as decoders did before 0.1.0); ${CONTRACT}`,
    );
    await expectDestroyedBy(pair, failure);
    expect(pair.conn.counters.framesIn).toBe(0);
    await expectStuck(io, failure);
  });

  it('the array it was given (allowed): its frames are read as if it returned nothing', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(pushingAndReturning(true));
    void pair.peer.write('bytes');
    expect(new TextDecoder().decode((await io.read()) as Uint8Array)).toBe('bytes');
    expect(pair.conn.destroyed).toBe(false);
    expect(published).toEqual([]);
  });
});

describe('an error of the transport', () => {
  it('rejects the waiting read with it as it is, every later read too, and is not a frame error', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines());
    const reading = io.read();
    await turn();
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    pair.conn.destroy(reset);
    expect(await rejection(reading)).toBe(reset);
    await expectStuck(io, reset);
    expect(published).toEqual([]);
  });
});

describe('an encoder that fails', () => {
  it('throwing: write() rejects with its error, nothing is sent, and the connection carries on', async () => {
    await using pair = connectedPair();
    const thrown = new RangeError('cannot encode that');
    const io = pair.conn.framed(throwingEncode(thrown));
    await expect(io.write('bad')).rejects.toBe(thrown);
    await expect(io.writeAll(['good', 'bad', 'never'])).rejects.toBe(thrown);
    expect(pair.conn.destroyed).toBe(false);
    expect(pair.conn.counters.framesOut).toBe(1);
    await io.write('after');
    const peer = pair.peer.framed(lines());
    expect(await peer.read()).toBe('good');
    expect(await peer.read()).toBe('after');
    expect(published).toEqual([]);
  });

  it("a codec's own refusal (ERR_FRAME_TOO_LONG) is thrown before anything is sent", async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lengthPrefixed({ maxFrameLength: 4 }));
    await expect(io.write(new Uint8Array(5))).rejects.toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    await io.write(Uint8Array.of(1));
    expect(await pair.peer.framed(lengthPrefixed()).read()).toEqual(Uint8Array.of(1));
    await received(pair.peer, 5);
    expect(pair.peer.counters.bytesIn).toBe(5);
  });

  it.each<[string, unknown]>([
    ['a string', 'text'],
    ['undefined', undefined],
    ['null', null],
    ['a number', 7],
    ['an ArrayBuffer', new ArrayBuffer(2)],
  ])('returning %s: write() rejects with ERR_ENCODE, and the connection carries on', async (kind, output) => {
    await using pair = connectedPair();
    const io = pair.conn.framed(encodingTo(output));
    const failure = await rejection(io.write('frame'));
    expect(failure).toMatchObject({ code: 'ERR_ENCODE' });
    expect((failure as Error).message).toBe(`The codec's encoder returned ${kind}, not a Uint8Array`);
    expect(pair.conn.destroyed).toBe(false);
    expect(pair.conn.counters.framesOut).toBe(0);
    await pair.conn.write('raw\n');
    expect(await pair.peer.framed(lines()).read()).toBe('raw');
  });
});
