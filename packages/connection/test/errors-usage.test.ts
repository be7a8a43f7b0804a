/**
 * The errors of using a framed reader wrongly, over the in-memory transport:
 * two reads at once (`ERR_ALREADY_CONSUMED`), an aborted read (`ABORT_ERR`),
 * unknown or wrong options (`ERR_INVALID_ARG`, `ERR_OUT_OF_RANGE`). None of
 * them destroys the connection or loses a byte: reading carries on after.
 * (What the codec and the transport fail with is in errors.test.ts.)
 */
import { lines } from '@sluice/codec';
import { describe, expect, it } from 'vitest';
import { connectedPair, received, rejection, turn } from './support/pair.js';

describe('two reads at once', () => {
  it('a second read() while one waits rejects with ERR_ALREADY_CONSUMED; the first gets its frame', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines());
    const first = io.read();
    await expect(io.read()).rejects.toMatchObject({ code: 'ERR_ALREADY_CONSUMED' });
    await expect(io[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'ERR_ALREADY_CONSUMED' });
    await expect(io.byChunk()[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'ERR_ALREADY_CONSUMED' });
    void pair.peer.write('one\ntwo\n');
    expect(await first).toBe('one');
    expect(await io.read()).toBe('two');
    expect(pair.conn.destroyed).toBe(false);
  });

  // Both fail on the code these tests were written against: the second reader's take-over makes the
  // waiting reader hand back the bytes its decoder holds ('ha'); the second reader takes them (a raw
  // reader even resolves with them) and the waiting read then completes 'lf' instead of 'half'.
  it('a second framed reader reading while the first waits is refused, and no byte is lost or reordered', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines());
    const first = io.read();
    void pair.peer.write('ha');
    await received(pair.conn, 2);
    await expect(pair.conn.framed(lines()).read()).rejects.toMatchObject({ code: 'ERR_ALREADY_CONSUMED' });
    void pair.peer.write('lf\nnext\n');
    expect(await first).toBe('half');
    expect(await io.read()).toBe('next');
  });

  it('a raw reader reading while a framed read waits is refused, and no byte is lost or reordered', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines());
    const first = io.read();
    void pair.peer.write('ha');
    await received(pair.conn, 2);
    await expect(pair.conn.reader()[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'ERR_ALREADY_CONSUMED',
    });
    void pair.peer.write('lf\nnext\n');
    expect(await first).toBe('half');
    expect(await io.read()).toBe('next');
  });
});

describe('aborting a read', () => {
  it('with a signal already aborted: rejects with ABORT_ERR at once and takes nothing', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines());
    void pair.peer.write('one\n');
    const reason = new Error('not now');
    const failure = await rejection(io.read({ signal: AbortSignal.abort(reason) }));
    expect(failure).toMatchObject({ code: 'ABORT_ERR', cause: reason });
    expect(await io.read()).toBe('one');
  });

  it('while it waits, in the middle of a frame: rejects with ABORT_ERR, and the frame is read whole after', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines());
    const abort = new AbortController();
    const reading = io.read({ signal: abort.signal });
    void pair.peer.write('ha');
    await received(pair.conn, 2);
    abort.abort();
    await expect(reading).rejects.toMatchObject({ code: 'ABORT_ERR' });
    expect(pair.conn.destroyed).toBe(false);
    void pair.peer.write('lf\n');
    expect(await io.read()).toBe('half');
  });

  it("by the reader's own signal (framed(codec, { signal })): a loop waiting rejects with ABORT_ERR", async () => {
    await using pair = connectedPair();
    const abort = new AbortController();
    const io = pair.conn.framed(lines(), { signal: abort.signal, keepOpen: true });
    const frames: string[] = [];
    const loop = (async () => {
      for await (const line of io) frames.push(line);
    })();
    void pair.peer.write('one\ntw');
    await received(pair.conn, 6);
    await turn();
    abort.abort();
    await expect(loop).rejects.toMatchObject({ code: 'ABORT_ERR' });
    expect(frames).toEqual(['one']);
    expect(pair.conn.destroyed).toBe(false);
    void pair.peer.write('o\n');
    expect(await pair.conn.framed(lines()).read()).toBe('two'); // the next reader gets the bytes held
  });

  it("read({ signal }) also ends when the reader's own signal aborts", async () => {
    await using pair = connectedPair();
    const own = new AbortController();
    const io = pair.conn.framed(lines(), { signal: own.signal });
    const reading = io.read({ signal: new AbortController().signal });
    await turn();
    own.abort();
    await expect(reading).rejects.toMatchObject({ code: 'ABORT_ERR' });
  });
});

describe('options', () => {
  it('framed() refuses an unknown key, naming the closest known one', async () => {
    await using pair = connectedPair();
    expect(() => pair.conn.framed(lines(), { keepopen: true } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG', message: expect.stringContaining('"keepOpen"') }),
    );
  });

  it.each<[string, unknown, string]>([
    ['keepOpen', { keepOpen: 'yes' }, 'ERR_INVALID_ARG'],
    ['signal', { signal: {} }, 'ERR_INVALID_ARG'],
    ['frameTimeout', { frameTimeout: -1 }, 'ERR_OUT_OF_RANGE'],
    ['frameTimeout', { frameTimeout: 2 ** 31 }, 'ERR_OUT_OF_RANGE'],
    ['options', 'fast', 'ERR_INVALID_ARG'],
  ])('framed() refuses a wrong %s with %s (%s)', async (_, options, code) => {
    await using pair = connectedPair();
    expect(() => pair.conn.framed(lines(), options as never)).toThrow(expect.objectContaining({ code }));
  });

  it('framed() refuses what is not a codec', async () => {
    await using pair = connectedPair();
    expect(() => pair.conn.framed(undefined as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => pair.conn.framed({ decoder: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
  });

  it('read(), write() and writeAll() reject (not throw) an unknown key or a wrong signal, and reading carries on', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines());
    const refused = [
      () => io.read({ timeout: 5 } as never),
      () => io.read({ signal: 'soon' } as never),
      () => io.write('x', { sigal: undefined } as never),
      () => io.writeAll(['x'], { timeout: 5 } as never),
      () => io.writeAll('a string' as never),
    ];
    for (const call of refused) {
      let result: Promise<unknown> | undefined;
      expect(() => (result = call())).not.toThrow();
      await expect(result).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    }
    void pair.peer.write('still here\n');
    expect(await io.read()).toBe('still here');
    expect(pair.peer.counters.bytesIn).toBe(0); // nothing was written
  });
});

describe('byChunk() options', () => {
  it('refuses an unknown key (naming the closest) and a reuse that is no boolean, and reading carries on', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines());
    expect(() => io.byChunk({ resue: true } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG', message: expect.stringContaining('reuse') }),
    );
    expect(() => io.byChunk({ reuse: 'yes' } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    void pair.peer.write('one\ntwo\n');
    const { value } = await io.byChunk({ reuse: true })[Symbol.asyncIterator]().next();
    expect(value).toEqual(['one', 'two']);
  });
});

describe('byChunk({ reuse: true }) after read()', () => {
  it('gets the frames read() left, then each later chunk in its one array, none lost or repeated', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines(), { keepOpen: true });
    void pair.peer.write('a\nb\nc\n');
    expect(await io.read()).toBe('a');
    const batches = io.byChunk({ reuse: true })[Symbol.asyncIterator]();
    expect((await batches.next()).value).toEqual(['b', 'c']);
    void pair.peer.write('d\ne\n');
    const second = (await batches.next()).value;
    expect(second).toEqual(['d', 'e']);
    void pair.peer.write('f\n');
    expect((await batches.next()).value).toBe(second); // the same array, refilled
    expect(second).toEqual(['f']);
  });
});
