/**
 * `requester()`: responses matched to their requests by id or by order, a
 * bound on requests in flight, timeouts and aborts, and an end that leaves
 * nothing waiting and nothing held. Over the in-memory transport, with the
 * peer played by hand.
 */
import { json, lines } from '@sluice/codec';
import { requester } from '@sluice/connection';
import { describe, expect, it } from 'vitest';
import { stillPending, until } from '../../../test-support/waits.js';
import { collectGarbage } from './support/gc.js';
import { codeOf, connectedPair, rejection } from './support/pair.js';

interface Message {
  id?: number | undefined;
  value?: unknown;
}
const byId = {
  requestId: (request: Message) => request.id,
  responseId: (response: Message) => response.id,
};

describe('requester()', () => {
  it('by id: answers in any order reach their own requests; the rest go to onUnmatched', async () => {
    await using pair = connectedPair();
    const unmatched: Message[] = [];
    const rpc = requester(pair.conn.framed(json<Message>()), {
      correlate: byId,
      onUnmatched: (m) => unmatched.push(m),
    });
    const peer = pair.peer.framed(json<Message>());
    const answers = [1, 2, 3].map((id) => rpc.request({ id, value: `q${id}` }));
    const seen: Message[] = [];
    for (let i = 0; i < 3; i++) seen.push((await peer.read()) as Message);
    expect(rpc.pending).toBe(3);
    // Unsolicited first: a notification, and an id nobody asked for.
    await peer.write({ value: 'notice' });
    await peer.write({ id: 9, value: 'stray' });
    for (const request of seen.reverse()) await peer.write({ id: request.id, value: `a${request.id}` });
    expect(await Promise.all(answers)).toEqual([1, 2, 3].map((id) => ({ id, value: `a${id}` })));
    expect(unmatched).toEqual([{ value: 'notice' }, { id: 9, value: 'stray' }]);
    expect(rpc.pending).toBe(0);
    await Promise.all([rpc.close(), pair.peer.close()]);
  });

  it('by id: a second request with an id in flight is refused before sending', async () => {
    await using pair = connectedPair();
    const rpc = requester(pair.conn.framed(json<Message>()), { correlate: byId });
    const first = rejection(rpc.request({ id: 1 }));
    const error = await rejection(rpc.request({ id: 1, value: 'again' }));
    expect(codeOf(error)).toBe('ERR_INVALID_ARG');
    expect((error as Error).message).toBe('request(): a request with id 1 is already in flight');
    await Promise.all([rpc.close(), pair.peer.close()]);
    expect(codeOf(await first)).toBe('ERR_REQUEST_CLOSED');
    expect(pair.peer.counters.bytesIn).toBeLessThanOrEqual(JSON.stringify({ id: 1 }).length + 1);
  });

  it('by order: a request that timed out keeps its place; its late response is dropped', async () => {
    await using pair = connectedPair();
    const rpc = requester(pair.conn.framed(lines()), { correlate: 'order' });
    const peer = pair.peer.framed(lines());
    const late = rpc.request('slow', { timeout: 1 });
    const next = rpc.request('fast');
    const error = await rejection(late);
    expect(codeOf(error)).toBe('ERR_REQUEST_TIMEOUT');
    expect(error).toMatchObject({ timeout: 1, message: 'No response within 1 ms' });
    expect(rpc.pending).toBe(1);
    await peer.write('answer to slow');
    await peer.write('answer to fast');
    expect(await next).toBe('answer to fast');
    await Promise.all([rpc.close(), pair.peer.close()]);
  });

  it('an aborted request rejects with its reason; by id, its slot is free at once', async () => {
    await using pair = connectedPair();
    const rpc = requester(pair.conn.framed(json<Message>()), { correlate: byId, maxPending: 1 });
    const controller = new AbortController();
    const aborted = rpc.request({ id: 1 }, { signal: controller.signal });
    const waiting = rpc.request({ id: 2 });
    controller.abort('changed my mind');
    const error = await rejection(aborted);
    expect(codeOf(error)).toBe('ABORT_ERR');
    expect((error as Error).cause).toBe('changed my mind');
    const peer = pair.peer.framed(json<Message>());
    const reader = peer[Symbol.asyncIterator]();
    expect((await reader.next()).value).toEqual({ id: 1 });
    expect((await reader.next()).value).toEqual({ id: 2 }); // sent once the slot freed
    await peer.write({ id: 2, value: 'two' });
    expect(await waiting).toEqual({ id: 2, value: 'two' });
    await Promise.all([rpc.close(), pair.peer.close()]);
  });

  it('maxPending: a request beyond it is not sent until a response frees a slot, and can be aborted meanwhile', async () => {
    await using pair = connectedPair();
    const rpc = requester(pair.conn.framed(lines()), { correlate: 'order', maxPending: 2 });
    const peer = pair.peer.framed(lines());
    const reader = peer[Symbol.asyncIterator]();
    const sent = [rpc.request('a'), rpc.request('b')];
    const controller = new AbortController();
    const dropped = rpc.request('never sent', { signal: controller.signal });
    const third = rpc.request('c');
    expect((await reader.next()).value).toBe('a');
    expect((await reader.next()).value).toBe('b');
    const read = reader.next();
    expect(await stillPending(read)).toBe(true);
    controller.abort();
    expect(codeOf(await rejection(dropped))).toBe('ABORT_ERR');
    expect(await stillPending(read)).toBe(true);
    await peer.write('A');
    expect((await read).value).toBe('c');
    await peer.write('B');
    await peer.write('C');
    expect(await Promise.all([...sent, third])).toEqual(['A', 'B', 'C']);
    await Promise.all([rpc.close(), pair.peer.close()]);
  });

  it('the peer ending, close(), or a decode error rejects every pending request with a code, and later ones too', async () => {
    for (const end of ['peer', 'close', 'decode'] as const) {
      await using pair = connectedPair();
      const rpc = requester(pair.conn.framed(json<Message>()), { correlate: byId, maxPending: 1 });
      const pending = [rpc.request({ id: 1 }), rpc.request({ id: 2 })].map(rejection); // the second waits for a slot
      if (end === 'peer') await pair.peer.close();
      else if (end === 'close') void rpc.close();
      else await pair.peer.write('{"id": 1, oops}\n');
      const expected = end === 'decode' ? 'ERR_DECODE' : 'ERR_REQUEST_CLOSED';
      for (const request of pending) expect(codeOf(await request)).toBe(expected);
      expect(codeOf(await rejection(rpc.request({ id: 3 })))).toBe(expected);
      expect(rpc.pending).toBe(0);
      pair.peer.destroy();
      await rpc.close().catch(() => {});
      expect(pair.conn.destroyed).toBe(true);
    }
  });

  it('an onUnmatched that throws is contained; a responseId that throws fails every request with its error', async () => {
    await using pair = connectedPair();
    const reported: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void reported.push(args);
    try {
      const broken = new Error('bad id');
      const rpc = requester(pair.conn.framed(json<Message>()), {
        correlate: {
          requestId: (request) => request.id,
          responseId: (response) => {
            if (response.value === 'poison') throw broken;
            return response.id;
          },
        },
        onUnmatched: () => {
          throw new Error('onUnmatched blew up');
        },
      });
      const answer = rpc.request({ id: 1 });
      const peer = pair.peer.framed(json<Message>());
      await peer.write({ id: 5 });
      await until(() => reported.length === 1, 'onUnmatched being reported');
      expect(await stillPending(answer)).toBe(true);
      await peer.write({ id: 1, value: 'poison' });
      expect(await rejection(answer)).toBe(broken);
      pair.peer.destroy();
      await pair.conn.closed;
    } finally {
      console.error = original;
    }
  });

  it('keeps nothing of a request once it has settled, however it settled', async () => {
    await using pair = connectedPair();
    const rpc = requester(pair.conn.framed(json<Message>()), { correlate: byId });
    const peer = pair.peer.framed(json<Message>());
    // A signal that outlives the requests (a server's shutdown signal, say): it must not keep them.
    const longLived = new AbortController();
    // Made in a function of its own, so that no stale register of this one holds them.
    const make = () => {
      const refs: WeakRef<object>[] = [];
      const settled: Promise<unknown>[] = [];
      const controller = new AbortController();
      for (let id = 1; id <= 30; id++) {
        const frame = { id, value: { payload: 'x'.repeat(100) } };
        refs.push(new WeakRef(frame.value));
        const options =
          id % 3 === 0 ? { timeout: 1 } : id % 3 === 1 ? { signal: controller.signal } : { signal: longLived.signal };
        const request = rpc.request(frame, options);
        refs.push(new WeakRef(request));
        settled.push(request.catch(() => {}));
      }
      controller.abort();
      return { refs, all: Promise.all(settled) };
    };
    const { refs, all } = make();
    await until(() => rpc.pending === 10, 'timeouts and aborts');
    for (let id = 2; id <= 30; id += 3) await peer.write({ id, value: 'answer' });
    await all;
    expect(rpc.pending).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    expect(longLived.signal.aborted).toBe(false);
    await Promise.all([rpc.close(), pair.peer.close()]);
  });

  it('refuses options it cannot work with', async () => {
    await using pair = connectedPair();
    const io = pair.conn.framed(lines());
    expect(() => requester(io, {} as never)).toThrow(
      "requester(): correlate must be 'order' or { requestId, responseId } (two functions), got undefined",
    );
    expect(() => requester(io, { correlate: 'id' as never })).toThrow(/got "id"/);
    expect(() => requester(io, { correlate: 'order', maxPending: 0 })).toThrow(/maxPending/);
    expect(() => requester(io, { correlate: 'order', timeout: -1 })).toThrow(/timeout/);
    expect(() => requester(io, { correlate: 'order', maxPendng: 1 } as never)).toThrow(/did you mean "maxPending"/);
    expect(() => requester({} as never, { correlate: 'order' })).toThrow(/io must be a Framed/);
    const rpc = requester(io, { correlate: 'order' });
    expect(codeOf(await rejection(rpc.request('x', { timeout: 2 ** 31 })))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(await rejection(rpc.request('x', { signal: 'no' as never })))).toBe('ERR_INVALID_ARG');
    expect(rpc.pending).toBe(0);
    await Promise.all([rpc.close(), pair.peer.close()]);
  });
});
