import { lines } from '@sluice/codec';
import { connect } from '@sluice/net';
import { observe } from '@sluice/rx';
import { config, firstValueFrom, from, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ProcessGuard } from '../../../test-support/process-guard.js';
import { until } from '../../../test-support/waits.js';
import { BACKLOG, nodeServer, seen, unreadingServer } from './support/servers.js';

/** A hand-written source whose next() never settles, recording each call. */
function stuckSource() {
  const calls: string[] = [];
  const source: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        calls.push('next');
        return new Promise<IteratorResult<number>>(() => {});
      },
      return: () => {
        calls.push('return');
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  return { source, calls };
}

async function* count(n: number, log: string[]) {
  try {
    for (let i = 1; i <= n; i++) yield i;
  } finally {
    log.push('finally');
  }
}

describe('observe', () => {
  it('emits every value of the iterable, then completes', async () => {
    const log: string[] = [];
    await expect(firstValueFrom(observe(count(3, log)).pipe(toArray()))).resolves.toEqual([1, 2, 3]);
    expect(log).toEqual(['finally']);
  });

  it('turns a rejected next() into the error notification', async () => {
    const failing = (async function* () {
      yield 1;
      throw new Error('boom');
    })();
    const seenValues: number[] = [];
    const error = await new Promise((resolve) =>
      observe(failing).subscribe({ next: (v) => seenValues.push(v), error: resolve }),
    );
    expect(seenValues).toEqual([1]);
    expect(error).toMatchObject({ message: 'boom' });
  });

  it('starts a new iteration for each subscription (cold)', async () => {
    let iterations = 0;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]() {
        iterations++;
        return count(2, [])[Symbol.asyncIterator]();
      },
    };
    const observable = observe(source);
    expect(iterations).toBe(0);
    await firstValueFrom(observable.pipe(toArray()));
    await firstValueFrom(observable.pipe(toArray()));
    expect(iterations).toBe(2);
  });

  it('calls return() at once on unsubscribe, while next() is still pending', () => {
    const { source, calls } = stuckSource();
    const subscription = observe(source).subscribe();
    expect(calls).toEqual(['next']);
    subscription.unsubscribe();
    expect(calls).toEqual(['next', 'return']); // synchronously: no value had to arrive first
  });

  it('(unlike from(), which waits for the pending next() before it calls return())', async () => {
    const { source, calls } = stuckSource();
    const subscription = from(source).subscribe();
    await new Promise((resolve) => setImmediate(resolve));
    subscription.unsubscribe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['next']);
  });

  it('stops after an unsubscription made inside next, and calls return() once', async () => {
    const calls: string[] = [];
    let i = 0;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => (calls.push('next'), Promise.resolve({ done: false, value: ++i })),
        return: () => (calls.push('return'), Promise.resolve({ done: true, value: undefined })),
      }),
    };
    await expect(firstValueFrom(observe(source).pipe(take(2), toArray()))).resolves.toEqual([1, 2]);
    expect(calls).toEqual(['next', 'next', 'return']);
  });

  it('does not call return() after the iterable has ended by itself', async () => {
    const calls: string[] = [];
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.resolve({ done: true, value: undefined }),
        return: () => (calls.push('return'), Promise.resolve({ done: true, value: undefined })),
      }),
    };
    const subscription = observe(source).subscribe();
    await new Promise((resolve) => setImmediate(resolve));
    subscription.unsubscribe();
    expect(calls).toEqual([]);
  });

  it('closes a real connection that waits for data as soon as it is unsubscribed: the peer sees the end', async () => {
    const server = await nodeServer();
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    const peer = await server.nextSocket();
    peer.resume();
    const received: string[] = [];
    const subscription = observe(conn.framed(lines())).subscribe((line) => received.push(line));
    peer.write('one\n');
    await until(() => received.length === 1, 'the first line observed');
    subscription.unsubscribe(); // the loop is waiting in next(): nothing else will arrive
    await seen(peer, 'end');
    peer.end();
    await conn.closed;
    expect(received).toEqual(['one']);
    await server.close();
  });

  it("reports a return() that rejects after unsubscription to RxJS's onUnhandledError", async () => {
    const reported: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: () => new Promise<IteratorResult<number>>(() => {}),
          return: () => Promise.reject(new Error('could not close')),
        }),
      };
      observe(source).subscribe().unsubscribe();
      await until(() => reported.length === 1, 'the failed return() reported');
      expect(reported[0]).toMatchObject({ message: 'could not close' });
    } finally {
      config.onUnhandledError = previous;
    }
  });

  it('throws ERR_INVALID_ARG at once for something that is not iterable', () => {
    for (const source of [undefined, null, 5, {}, Promise.resolve(1)]) {
      expect(() => observe(source as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    }
  });

  it('reads a sync iterable too', async () => {
    expect(await firstValueFrom(observe([1, 2] as never).pipe(toArray()))).toEqual([1, 2]);
  });

  it('a close cut off by closeTimeout after unsubscribing from observe(framed) is recorded on the connection, never thrown', async () => {
    const guard = new ProcessGuard();
    const server = await unreadingServer();
    try {
      // The backlog is written without waiting, on purpose, past the 4 MiB that writeCapacity allows unless raised.
      const conn = await connect({ host: '127.0.0.1', port: server.port, closeTimeout: 50, writeCapacity: Infinity });
      const io = conn.framed(lines());
      for (const line of BACKLOG) io.write(line).catch(() => {}); // fails once the close resets the connection
      observe(io).subscribe().unsubscribe(); // closes the connection; nobody awaits that close
      await conn.closed;
      expect(conn.error).toMatchObject({ code: 'ERR_CLOSE_TIMEOUT' });
    } finally {
      await server.close();
      expect(await guard.stop()).toEqual([]);
    }
    expect(guard.reported).toEqual([]);
  });

  it('without onUnhandledError, a return() that rejects after unsubscription is reported with console.error, not thrown', async () => {
    const guard = new ProcessGuard();
    try {
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: () => new Promise<IteratorResult<number>>(() => {}),
          return: () => Promise.reject(new Error('could not close')),
        }),
      };
      observe(source).subscribe().unsubscribe();
      await until(() => guard.reported.length === 1, 'the failed return() reported', 2000);
    } finally {
      expect(await guard.stop()).toEqual([]);
    }
    expect(guard.reported[0]?.[1]).toMatchObject({ message: 'could not close' });
  });
});
