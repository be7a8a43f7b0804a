/**
 * `frameTimeout` over the in-memory transport, on a fake clock: the frame
 * clock runs only while a read waits on the peer for the rest of a frame
 * that has begun. Time spent busy, between frames, after the end or after
 * another reader took over never counts. Only `setTimeout`, `clearTimeout`
 * and `performance` are faked; the transport moves bytes on real
 * `setImmediate` turns, so bytes arrive without the clock moving.
 */
import diagnostics from 'node:diagnostics_channel';
import { lines } from '@sluice/codec';
import { type ConnectionShedMessage, channels, FrameTimeoutError } from '@sluice/connection';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bareLines } from './support/codecs.js';
import { connectedPair, received, rejection, turn } from './support/pair.js';

/** A promise, and whether it has settled yet. */
function watch<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}

/** Moves the fake clock by `ms`, then lets the transport's real turns run (a destroy is told on one). */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  for (let i = 0; i < 3; i++) await turn();
}

/** Sends `text` from the peer and waits until it has arrived (`total` bytes received in all). */
async function arrive(pair: ReturnType<typeof connectedPair>, text: string, total: number): Promise<void> {
  void pair.peer.write(text);
  await received(pair.conn, total);
}

let shed: ConnectionShedMessage[] = [];
const onShed = (message: unknown) => shed.push(message as ConnectionShedMessage);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  shed = [];
  diagnostics.subscribe(channels.shed, onShed);
});
afterEach(() => {
  diagnostics.unsubscribe(channels.shed, onShed);
  vi.useRealTimers();
});

describe('frameTimeout', () => {
  it('rejects a read waiting for the rest of a begun frame with ERR_FRAME_TIMEOUT, sheds and destroys the connection', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines(), { frameTimeout: 100 });
    const reading = watch(io.read());
    await arrive(pair, 'hal', 3);
    await advance(99);
    expect(reading.settled()).toBe(false);
    expect(pair.conn.destroyed).toBe(false);
    await advance(1);
    expect(reading.settled()).toBe(true);
    const failure = await rejection(reading.promise);
    expect(failure).toBeInstanceOf(FrameTimeoutError);
    expect(failure).toMatchObject({ code: 'ERR_FRAME_TIMEOUT', timeout: 100 });
    expect(pair.conn.destroyed).toBe(true);
    expect(shed).toEqual([{ connection: pair.conn, error: failure }]);
    await pair.conn.closed;
    expect(pair.conn.error).toBe(failure);
    await expect(io.read()).rejects.toBe(failure); // and it stays failed
  });

  it('applies to for await and byChunk() as to read()', async () => {
    for (const how of ['for await', 'byChunk'] as const) {
      await using pair = connectedPair();
      const io = pair.conn.framed(lines(), { frameTimeout: 100 });
      const reading = watch(
        (async () => {
          if (how === 'for await') for await (const _ of io);
          else for await (const _ of io.byChunk());
        })(),
      );
      await arrive(pair, 'dribble', 7);
      await advance(100);
      expect(await rejection(reading.promise)).toMatchObject({ code: 'ERR_FRAME_TIMEOUT' });
    }
  });

  it('runs no timer while a read waits between frames, however long', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines(), { frameTimeout: 100 });
    void pair.peer.write('first\n');
    expect(await io.read()).toBe('first');
    const second = watch(io.read());
    await turn();
    expect(vi.getTimerCount()).toBe(0);
    await advance(10_000);
    expect(second.settled()).toBe(false);
    void pair.peer.write('second\n');
    expect(await second.promise).toBe('second');
    expect(pair.conn.error).toBeUndefined();
  });

  it('does not count time the reader is busy: the rest of a frame received meanwhile is read', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines(), { frameTimeout: 100 });
    void pair.peer.write('first\nhal');
    expect(await io.read()).toBe('first');
    await arrive(pair, 'f\n', 'first\nhalf\n'.length); // queued, unread
    await advance(10_000); // the handler is busy elsewhere
    expect(pair.conn.destroyed).toBe(false);
    expect(await io.read()).toBe('half');
    expect(pair.conn.error).toBeUndefined();
  });

  it('adds up the waits of one frame: each new byte does not restart the allowance', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines(), { frameTimeout: 100 });
    const reading = watch(io.read());
    await arrive(pair, 'a', 1);
    await advance(60);
    await arrive(pair, 'b', 2);
    await advance(39);
    expect(reading.settled()).toBe(false);
    await advance(1);
    expect(reading.settled()).toBe(true);
    expect(await rejection(reading.promise)).toMatchObject({ code: 'ERR_FRAME_TIMEOUT' });
  });

  it('gives the next frame a full allowance once a frame completes', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines(), { frameTimeout: 100 });
    const first = io.read();
    await arrive(pair, 'a', 1);
    await advance(90);
    await arrive(pair, 'b\nc', 4); // completes 'ab' and begins the next frame
    expect(await first).toBe('ab');
    const second = watch(io.read());
    await advance(99);
    expect(second.settled()).toBe(false);
    await advance(1);
    expect(second.settled()).toBe(true);
    expect(await rejection(second.promise)).toMatchObject({ code: 'ERR_FRAME_TIMEOUT' });
  });

  it('stops at the end of the input', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines(), { frameTimeout: 100 });
    const reading = io.read();
    await arrive(pair, 'unterminated', 12);
    await advance(50);
    void pair.peer.closeWrite();
    expect(await reading).toBe('unterminated');
    expect(await io.read()).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
    await advance(1000);
    expect(pair.conn.error).toBeUndefined();
  });

  it('stops when another reader takes over, even after a read waited on a begun frame', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines(), { frameTimeout: 100, keepOpen: true });
    const abort = new AbortController();
    const reading = io.read({ signal: abort.signal });
    await arrive(pair, 'hal', 3);
    await advance(60);
    abort.abort();
    await expect(reading).rejects.toMatchObject({ code: 'ABORT_ERR' });
    const raw = pair.conn.reader()[Symbol.asyncIterator]();
    expect(new TextDecoder().decode((await raw.next()).value)).toBe('hal');
    // Back to the framed reader: it starts afresh, between frames, with no clock running.
    const next = watch(io.read());
    await turn();
    expect(vi.getTimerCount()).toBe(0);
    await advance(10_000);
    expect(pair.conn.destroyed).toBe(false);
    expect(next.settled()).toBe(false);
    void pair.peer.write('next\n');
    expect(await next.promise).toBe('next');
  });

  it("takes the connection's frameTimeout by default; 0 or Infinity on the reader turns it off", async () => {
    {
      await using pair = connectedPair({ frameTimeout: 100 });
      const reading = watch(pair.conn.framed(lines()).read());
      await arrive(pair, 'x', 1);
      await advance(100);
      expect(await rejection(reading.promise)).toMatchObject({ code: 'ERR_FRAME_TIMEOUT', timeout: 100 });
    }
    for (const off of [0, Number.POSITIVE_INFINITY]) {
      await using pair = connectedPair({ frameTimeout: 100 });
      const reading = watch(pair.conn.framed(lines(), { frameTimeout: off }).read());
      await arrive(pair, 'x', 1);
      expect(vi.getTimerCount()).toBe(0);
      await advance(10_000);
      expect(reading.settled()).toBe(false);
      expect(pair.conn.destroyed).toBe(false);
    }
  });

  it('with a decoder without remaining(): a chunk that completes no frame begins one', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(bareLines(), { frameTimeout: 100 });
    void pair.peer.write('whole\nab'); // completes a frame: whether 'ab' begins one cannot be known
    expect(await io.read()).toBe('whole');
    const reading = watch(io.read());
    await advance(10_000);
    expect(reading.settled()).toBe(false);
    await arrive(pair, 'c', 9); // completes nothing: a frame has begun
    await advance(99);
    expect(reading.settled()).toBe(false);
    await advance(1);
    expect(reading.settled()).toBe(true);
    expect(await rejection(reading.promise)).toMatchObject({ code: 'ERR_FRAME_TIMEOUT' });
  });
});
