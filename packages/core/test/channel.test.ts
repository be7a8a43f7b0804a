import { AbortError, ClosedError, channel, collect, isSluiceError, OverflowError, pipe, take } from '@sluice/core';
import { describe, expect, it, vi } from 'vitest';
import { ProcessGuard } from '../../../test-support/process-guard.js';
import { flush } from './helpers.js';

describe('channel', () => {
  it('delivers pushed values in order, then finishes after end()', async () => {
    const ch = channel<number>();
    await ch.push(1);
    expect(ch.offer(2)).toBe(true);
    ch.end();
    expect(ch.writable).toBe(false);
    expect(await pipe(ch, collect())).toEqual([1, 2]);
  });

  it('answers next() with an already settled promise when a value is buffered', async () => {
    const ch = channel<string>();
    ch.offer('ready');
    const iterator = ch[Symbol.asyncIterator]();
    expect(await Promise.race([iterator.next(), Promise.resolve('late')])).toEqual({ done: false, value: 'ready' });
  });

  it('makes push wait while the buffer is full, and never buffers more than capacity', async () => {
    const ch = channel<number>({ capacity: 2 });
    await ch.push(1);
    await ch.push(2);
    let third = false;
    const pushed = ch.push(3).then(() => (third = true));
    await flush();
    expect(third).toBe(false);
    expect(ch.offer(4)).toBe(false);
    expect(ch.size).toBe(2);
    const iterator = ch[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 1 });
    await pushed;
    expect(ch.size).toBe(2);
    ch.end();
    expect([(await iterator.next()).value, (await iterator.next()).value]).toEqual([2, 3]);
  });

  it('hands a value straight to a waiting consumer', async () => {
    const ch = channel<number>({ capacity: 1 });
    const iterator = ch[Symbol.asyncIterator]();
    const next = iterator.next();
    await ch.push(9);
    expect(ch.size).toBe(0);
    expect(await next).toEqual({ done: false, value: 9 });
  });

  it('with capacity 0, accepts a value only when the consumer asks for it', async () => {
    const ch = channel<string>({ capacity: 0 });
    expect(ch.offer('nobody waits')).toBe(false);
    let accepted = false;
    const pushed = ch.push('hand-over').then(() => (accepted = true));
    await flush();
    expect(accepted).toBe(false);
    const iterator = ch[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 'hand-over' });
    await pushed;
    const waiting = iterator.next();
    expect(ch.offer('taken')).toBe(true);
    expect(await waiting).toEqual({ done: false, value: 'taken' });
  });

  it('rejects a second consumer with a coded error', () => {
    const ch = channel();
    ch[Symbol.asyncIterator]();
    expect(() => ch[Symbol.asyncIterator]()).toThrow(expect.objectContaining({ code: 'ERR_ALREADY_CONSUMED' }));
  });

  it('refuses pushes after end(): push rejects with ClosedError, offer returns false', async () => {
    const ch = channel<number>();
    ch.end();
    await expect(ch.push(1)).rejects.toBeInstanceOf(ClosedError);
    await expect(ch.push(1)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    expect(ch.offer(1)).toBe(false);
  });

  it('error(): the consumer gets the buffered values, then the error, then done', async () => {
    const ch = channel<number>();
    ch.offer(1);
    ch.offer(2);
    const oops = new Error('producer failed');
    ch.error(oops);
    const iterator = ch[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(1);
    expect((await iterator.next()).value).toBe(2);
    await expect(iterator.next()).rejects.toBe(oops);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('end() and error() are idempotent and the first one wins', async () => {
    const ended = channel<number>();
    ended.end();
    ended.error(new Error('too late'));
    ended.end();
    expect(await pipe(ended, collect())).toEqual([]);

    const failed = channel<number>();
    const first = new Error('first');
    failed.error(first);
    failed.error(new Error('second'));
    failed.end();
    await expect(pipe(failed, collect())).rejects.toBe(first);
  });

  it('wakes a waiting consumer on end() and on error()', async () => {
    const ch = channel<number>();
    const iterator = ch[Symbol.asyncIterator]();
    const pending = iterator.next();
    ch.end();
    expect(await pending).toEqual({ done: true, value: undefined });

    const failing = channel<number>();
    const failingIterator = failing[Symbol.asyncIterator]();
    const waiting = failingIterator.next();
    const oops = new Error('oops');
    failing.error(oops);
    await expect(waiting).rejects.toBe(oops);
  });

  it('rejects pushers still waiting when end() is called, without enqueueing their values', async () => {
    const ch = channel<number>({ capacity: 1 });
    await ch.push(1);
    const waiting = ch.push(2);
    ch.end();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    expect(await pipe(ch, collect())).toEqual([1]);
  });

  it('break closes the channel: buffer cleared, pushes rejected, onReturn called once', async () => {
    const onReturn = vi.fn();
    const ch = channel<number>({ capacity: 1, onReturn });
    await ch.push(1);
    const accepted = ch.push(2); // taken into the buffer when 1 is read
    const waiting = ch.push(3);
    for await (const value of ch) {
      expect(value).toBe(1);
      break;
    }
    expect(onReturn).toHaveBeenCalledTimes(1);
    expect(ch.size).toBe(0);
    expect(ch.writable).toBe(false);
    await expect(accepted).resolves.toBeUndefined();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(ch.push(4)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    expect(ch.offer(5)).toBe(false);
  });

  it('an onReturn that throws is contained: the loop that left early throws it, and the channel is closed', async () => {
    const guard = new ProcessGuard();
    try {
      const ch = channel<number>({
        onReturn: () => {
          throw new Error('onReturn failed');
        },
      });
      ch.offer(1);
      const leave = async () => {
        for await (const _ of ch) break;
      };
      await expect(leave()).rejects.toThrow('onReturn failed');
      expect(ch.writable).toBe(false);
      await expect(ch.push(2)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    } finally {
      expect(await guard.stop()).toEqual([]);
    }
  });

  it('does not call onReturn when the consumer read to the end', async () => {
    const onReturn = vi.fn();
    const ch = channel<number>({ onReturn });
    ch.offer(1);
    ch.end();
    const iterator = ch[Symbol.asyncIterator]();
    while (!(await iterator.next()).done);
    await iterator.return?.();
    expect(onReturn).not.toHaveBeenCalled();
  });

  it('calls onReturn when a downstream take() finishes early', async () => {
    const onReturn = vi.fn();
    const ch = channel<number>({ onReturn });
    for (let i = 0; i < 5; i++) ch.offer(i);
    expect(await pipe(ch, take(2), collect())).toEqual([0, 1]);
    expect(onReturn).toHaveBeenCalledTimes(1);
  });

  it("'drop-newest' drops and counts the value that does not fit", async () => {
    const ch = channel<number>({ capacity: 2, overflow: 'drop-newest' });
    expect([ch.offer(1), ch.offer(2), ch.offer(3)]).toEqual([true, true, false]);
    await expect(ch.push(4)).resolves.toBeUndefined();
    expect(ch.dropped).toBe(2);
    ch.end();
    expect(await pipe(ch, collect())).toEqual([1, 2]);
  });

  it("'drop-oldest' drops and counts the oldest value to make room", async () => {
    const ch = channel<number>({ capacity: 2, overflow: 'drop-oldest' });
    expect([ch.offer(1), ch.offer(2), ch.offer(3)]).toEqual([true, true, true]);
    await ch.push(4);
    expect(ch.dropped).toBe(2);
    ch.end();
    expect(await pipe(ch, collect())).toEqual([3, 4]);
  });

  it("'error' fails the channel with OverflowError after the buffered values", async () => {
    const ch = channel<number>({ capacity: 1, overflow: 'error' });
    ch.offer(1);
    let thrown: unknown;
    try {
      ch.offer(2);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(OverflowError);
    expect(thrown).toMatchObject({ code: 'ERR_OVERFLOW', limit: 1 });
    expect(ch.writable).toBe(false);
    const seen: number[] = [];
    const run = async () => {
      for await (const value of ch) seen.push(value);
    };
    await expect(run()).rejects.toBe(thrown);
    expect(seen).toEqual([1]);
  });

  it("'error': push rejects with the OverflowError instead of waiting", async () => {
    const ch = channel<number>({ capacity: 0, overflow: 'error' });
    await expect(ch.push(1)).rejects.toMatchObject({ code: 'ERR_OVERFLOW', limit: 0 });
  });

  it('aborting a waiting push rejects it with AbortError and leaves its value out', async () => {
    const ch = channel<number>({ capacity: 1 });
    await ch.push(1);
    const controller = new AbortController();
    const aborted = ch.push(2, { signal: controller.signal });
    const kept = ch.push(3);
    controller.abort('changed my mind');
    const err: unknown = await aborted.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toBe('changed my mind');
    const iterator = ch[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(1);
    await kept;
    ch.end();
    expect(await iterator.next()).toEqual({ done: false, value: 3 });
    expect((await iterator.next()).done).toBe(true);
  });

  it('rejects a push whose signal is already aborted, even with room', async () => {
    const ch = channel<number>();
    await expect(ch.push(1, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORT_ERR' });
    expect(ch.size).toBe(0);
  });

  it('the channel’s signal fails it with AbortError after the buffered values', async () => {
    const controller = new AbortController();
    const ch = channel<number>({ signal: controller.signal });
    ch.offer(1);
    controller.abort();
    expect(ch.writable).toBe(false);
    const iterator = ch[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(1);
    const err: unknown = await iterator.next().catch((e: unknown) => e);
    expect(isSluiceError(err, 'ABORT_ERR')).toBe(true);
  });

  it('is closed from the start when its signal was already aborted', async () => {
    const ch = channel<number>({ signal: AbortSignal.abort() });
    expect(ch.writable).toBe(false);
    await expect(ch.push(1)).rejects.toMatchObject({ code: 'ABORT_ERR' }); // its own signal's reason, not a bare ERR_CLOSED
  });

  it('refuses a bad capacity or overflow policy', () => {
    for (const capacity of [-1, 1.5, Infinity, Number.NaN]) {
      expect(() => channel({ capacity })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    }
    expect(() => channel({ capacity: '4' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => channel({ capacity: -1 })).toThrow('channel(): capacity must be an integer at least 0, got -1');
    expect(() => channel({ overflow: 'sometimes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
  });

  it('refuses options, a signal or an onReturn of the wrong kind with ERR_INVALID_ARG', () => {
    for (const options of [null, 16, { signal: {} }, { onReturn: 5 }]) {
      expect(() => channel(options as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    }
  });

  it('rejects (never throws) a push whose signal is not an AbortSignal, and enqueues nothing', async () => {
    const ch = channel<number>({ capacity: 0 });
    await expect(ch.push(1, { signal: {} as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: 'push(): signal must be an AbortSignal, got an object',
    });
    expect(ch.size).toBe(0);
  });

  it('reports its capacity', () => {
    expect(channel().capacity).toBe(16);
    expect(channel({ capacity: 3 }).capacity).toBe(3);
  });
});
