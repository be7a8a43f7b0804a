/**
 * `respond()`: handlers at most `concurrency` at once with reading paused
 * while they are busy, responses in request order or as they complete,
 * `onError` deciding what a failed handler sends, and an end that waits for
 * every handler. Over the in-memory transport, the client played by hand.
 */
import { lines } from '@sluice/codec';
import type { Framed } from '@sluice/connection';
import { respond } from '@sluice/connection';
import { describe, expect, it } from 'vitest';
import { stillPending, until } from '../../../test-support/waits.js';
import { codeOf, connectedPair, rejection } from './support/pair.js';

/** The next `count` frames (respond() leaves the connection open, so there is no end to read to). */
async function readN(io: Framed<string>, count: number): Promise<(string | undefined)[]> {
  const frames: (string | undefined)[] = [];
  for (let i = 0; i < count; i++) frames.push(await io.read());
  return frames;
}

/** Handlers that finish when the test says so. */
function gate() {
  const waiting = new Map<string, (answer: string | undefined) => void>();
  const started: string[] = [];
  return {
    started,
    handler: (request: string) =>
      new Promise<string | undefined>((resolve) => {
        started.push(request);
        waiting.set(request, resolve);
      }),
    finish: (request: string, answer: string | undefined = request.toUpperCase()) => waiting.get(request)?.(answer),
  };
}

describe('respond()', () => {
  for (const correlate of ['order', 'id'] as const) {
    it(`correlate '${correlate}': at most concurrency handlers run and reading waits; responses go out ${correlate === 'order' ? 'in request order' : 'as they complete'}`, async () => {
      await using pair = connectedPair();
      const { started, handler, finish } = gate();
      const served = respond(pair.conn.framed(lines()), handler, { concurrency: 2, correlate });
      const peer = pair.peer.framed(lines());
      for (const request of ['a', 'b', 'c']) await peer.write(request);
      await until(() => started.length === 2, 'two handlers starting');
      expect(await stillPending(until(() => started.length === 3, 'a third', 50))).toBe(true);
      // With 'order' a response done early waits for those before it, in its slot: a must finish first.
      const [first, second] = correlate === 'order' ? ['a', 'b'] : ['b', 'a'];
      finish(first);
      await until(() => started.length === 3, 'the third starting once one finished');
      finish('c');
      finish(second);
      await peer.closeWrite();
      await served;
      const responses = await readN(peer, 3);
      expect(responses).toEqual(correlate === 'order' ? ['A', 'B', 'C'] : ['B', 'C', 'A']); // 'order': c before b
    });
  }

  it('with order, a response held for an earlier one still takes a slot: memory stays bounded', async () => {
    await using pair = connectedPair();
    const { started, handler, finish } = gate();
    const served = respond(pair.conn.framed(lines()), handler, { concurrency: 2 });
    const peer = pair.peer.framed(lines());
    for (const request of ['a', 'b', 'c']) await peer.write(request);
    await until(() => started.length === 2, 'two handlers starting');
    finish('b'); // done, but held behind a
    expect(await stillPending(until(() => started.length === 3, 'a third', 50))).toBe(true);
    finish('a');
    await until(() => started.length === 3, 'the third starting once a and b are written');
    finish('c');
    await peer.closeWrite();
    await served;
    expect(await readN(peer, 3)).toEqual(['A', 'B', 'C']);
  });

  it('onError decides what a failed handler sends; undefined sends nothing; a throwing onError is contained', async () => {
    await using pair = connectedPair();
    const reported: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void reported.push(args);
    try {
      const served = respond(
        pair.conn.framed(lines()),
        (request) => {
          if (request === 'notify') return undefined;
          if (request.startsWith('fail')) throw new Error(request);
          return `ok ${request}`;
        },
        {
          onError: async (error, request) => {
            if (request === 'fail badly') throw new Error('onError broke');
            return `error ${(error as Error).message}`;
          },
        },
      );
      const peer = pair.peer.framed(lines());
      for (const request of ['one', 'notify', 'fail', 'fail badly', 'two']) await peer.write(request);
      await peer.closeWrite();
      await served;
      expect(await readN(peer, 3)).toEqual(['ok one', 'error fail', 'ok two']);
      expect(reported).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });

  it('without onError, a handler that throws fails respond() once the others finish, aborting their signals', async () => {
    await using pair = connectedPair();
    const boom = new Error('boom');
    let seen: AbortSignal | undefined;
    const served = respond(
      pair.conn.framed(lines()),
      (request, { signal }) => {
        if (request === 'boom') throw boom;
        seen = signal;
        return new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('cut short')));
      },
      { concurrency: 4 },
    );
    const peer = pair.peer.framed(lines());
    await peer.write('slow');
    await until(() => seen !== undefined, 'the slow handler starting');
    await peer.write('boom');
    expect(await rejection(served)).toBe(boom);
    expect(seen?.aborted).toBe(true);
  });

  it('an aborted signal stops reading and rejects with an AbortError after the handlers finish', async () => {
    await using pair = connectedPair();
    const { started, handler, finish } = gate();
    const controller = new AbortController();
    const served = respond(pair.conn.framed(lines()), handler, { signal: controller.signal });
    const peer = pair.peer.framed(lines());
    await peer.write('a');
    await until(() => started.length === 1, 'the handler starting');
    controller.abort();
    expect(await stillPending(served)).toBe(true);
    finish('a');
    expect((await rejection(served)) as { code?: string }).toMatchObject({ code: 'ABORT_ERR' });
    expect(await peer.read()).toBe('A');
  });

  it('a decode error on the connection rejects respond() with it', async () => {
    await using pair = connectedPair();
    const served = respond(pair.conn.framed(lines({ maxFrameLength: 4 })), (request) => request);
    await pair.peer.write('far too long\n');
    expect((await rejection(served)) as { code?: string }).toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
  });

  it('refuses arguments it cannot work with (rejecting)', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines());
    expect(codeOf(await rejection(respond(io, 'no' as never)))).toBe('ERR_INVALID_ARG');
    expect(codeOf(await rejection(respond(io, (r) => r, { concurrency: 0 })))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(await rejection(respond(io, (r) => r, { correlate: 'any' as never })))).toBe('ERR_INVALID_ARG');
    expect(codeOf(await rejection(respond(io, (r) => r, { concurency: 2 } as never)))).toBe('ERR_INVALID_ARG');
    expect(codeOf(await rejection(respond({} as never, (r) => r)))).toBe('ERR_INVALID_ARG');
  });
});
