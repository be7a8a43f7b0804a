/**
 * reconnecting() over real loopback sockets: sessions resume after the
 * server restarts, the backoff grows by `factor` to `maxDelay` (read from
 * `onRetry`, not timed), `attempts` gives up with a coded error, a `signal`
 * ends a backoff wait without leaving a timer, a half-open connection (a
 * proxy that stalls) is ended by `idleTimeout` and the next session begins,
 * and connections the fault proxy drops, resets or stalls at random are
 * each followed by another until one works.
 */
import { lines } from '@sluice/codec';
import { type Connection, type RetryInfo, reconnecting } from '@sluice/connection';
import { isSluiceError } from '@sluice/core';
import { connect } from '@sluice/net';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Fault, startFaultProxy } from '../../../test-support/fault-proxy.js';
import { until, within } from '../../../test-support/waits.js';
import { freePort, startLineServer } from './support/line-server.js';
import { codeOf } from './support/pair.js';

const to =
  (port: number, options: { idleTimeout?: number } = {}) =>
  (signal: AbortSignal) =>
    connect({ host: '127.0.0.1', port, signal, ...options });

/** Sends `line` on a session and reads its echo. */
async function echo(conn: Connection, line: string): Promise<string | undefined> {
  const io = conn.framed(lines(), { keepOpen: true });
  await io.write(line);
  return io.read();
}

afterEach(() => vi.restoreAllMocks());

describe('reconnecting()', () => {
  it('resumes with a new session after the server restarts on the same port', async () => {
    let server = await startLineServer();
    const { port } = server;
    const retries: RetryInfo[] = [];
    let restarting = false;
    const client = reconnecting(to(port), {
      initialDelay: 5,
      maxDelay: 20,
      onRetry: (info) => {
        retries.push(info);
        if (restarting || info.attempt === 0) return; // restarts once an attempt has failed
        restarting = true;
        void startLineServer(port).then((again) => (server = again));
      },
    });
    const heard: (string | undefined)[] = [];
    for await (const conn of client) {
      heard.push(await echo(conn, `session ${heard.length + 1}`));
      if (heard.length === 2) break;
      await server.close(); // the session's connection is reset; the loop goes on to the next
    }
    expect(heard).toEqual(['session 1', 'session 2']);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.map((retry) => codeOf(retry.error))).toContain('ECONNREFUSED');
    expect(server.received).toEqual([['session 2']]);
    await server.close();
  });

  it('tells onRetry of the wait after a connection that ended sooner than resetAfter: attempt 0, and why it ended', async () => {
    const server = await startLineServer();
    const retries: RetryInfo[] = [];
    const client = reconnecting(to(server.port), {
      initialDelay: 5,
      maxDelay: 5,
      onRetry: (info) => retries.push(info),
    });
    let sessions = 0;
    for await (const conn of client) {
      if (++sessions === 1) conn.destroy(Object.assign(new Error('dropped by the test'), { code: 'E_TEST' }));
      else if (sessions === 2)
        await conn.close(); // closed cleanly
      else break;
    }
    expect(retries.map(({ attempt, error }) => ({ attempt, code: codeOf(error) }))).toEqual([
      { attempt: 0, code: 'E_TEST' },
      { attempt: 0, code: undefined },
    ]);
    expect(retries[1]?.error).toBeUndefined();
    for (const { delay } of retries) expect(delay).toBeLessThanOrEqual(5);
    await server.close();
  });

  it('tells onRetry nothing after a connection that lasted resetAfter: the next attempt is at once', async () => {
    const server = await startLineServer();
    const retries: RetryInfo[] = [];
    const client = reconnecting(to(server.port), { resetAfter: 0, onRetry: (info) => retries.push(info) });
    let sessions = 0;
    for await (const conn of client) {
      await echo(conn, 'hello');
      if (++sessions === 3) break;
    }
    expect(retries).toEqual([]);
    await server.close();
  });

  it('grows the backoff ceiling by factor up to maxDelay, then gives up after attempts with ERR_RECONNECT_FAILED', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.9999999); // the delay is its ceiling
    const port = await freePort();
    const delays: number[] = [];
    const attempts: number[] = [];
    const client = reconnecting(to(port), {
      initialDelay: 1,
      factor: 2,
      maxDelay: 16,
      attempts: 8,
      onRetry: ({ delay, attempt }) => {
        delays.push(delay);
        attempts.push(attempt);
      },
    });
    const failure = await (async () => {
      for await (const _ of client) throw new Error('no server: no session');
    })().catch((error: unknown) => error);
    expect(delays).toEqual([1, 2, 4, 8, 16, 16, 16]);
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(isSluiceError(failure, 'ERR_RECONNECT_FAILED')).toBe(true);
    expect(failure).toMatchObject({ name: 'ReconnectFailedError', attempts: 8 });
    expect(codeOf((failure as Error).cause)).toBe('ECONNREFUSED');
  });

  it('waits a random delay from 0 to the ceiling (full jitter)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 3 }), async (initialDelay, factor) => {
        const port = await freePort();
        const delays: number[] = [];
        const client = reconnecting(to(port), {
          initialDelay,
          factor,
          maxDelay: 20,
          attempts: 6,
          onRetry: ({ delay }) => delays.push(delay),
        });
        await (async () => {
          for await (const _ of client);
        })().catch(() => {});
        expect(delays).toHaveLength(5); // six attempts fail: a wait between each two
        delays.forEach((delay, i) => {
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.min(20, initialDelay * factor ** i));
        });
      }),
      { numRuns: 15 },
    );
  });

  it('ends quietly when its signal aborts during a backoff wait, leaving no timer behind', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    let waiting = 0;
    const client = reconnecting(to(port), {
      initialDelay: 600_000,
      maxDelay: 600_000,
      onRetry: ({ delay }) => {
        waiting = delay;
        queueMicrotask(() => controller.abort());
      },
      signal: controller.signal,
    });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const sessions: unknown[] = [];
    await within(
      (async () => {
        for await (const conn of client) sessions.push(conn);
      })(),
      5000,
      'the loop ending on abort',
    );
    expect(waiting).toBe(300_000);
    expect(sessions).toEqual([]);
    expect(timers()).toBe(before);
  });

  it('ends when its signal aborts during an attempt whose connect ignores the signal, closing what it makes late', async () => {
    const server = await startLineServer();
    const controller = new AbortController();
    let made: Connection | undefined;
    let release!: () => void;
    const late = new Promise<void>((resolve) => (release = resolve));
    const client = reconnecting(
      async () => {
        queueMicrotask(() => controller.abort());
        await late; // deaf to the signal
        made = await connect({ host: '127.0.0.1', port: server.port });
        return made;
      },
      { signal: controller.signal },
    );
    const sessions: unknown[] = [];
    await within(
      (async () => {
        for await (const conn of client) sessions.push(conn);
      })(),
      5000,
      'the loop ending on abort',
    );
    expect(sessions).toEqual([]);
    release();
    await until(() => made !== undefined, 'the late connection');
    await within((made as Connection).closed, 5000, 'the late connection closing');
    await server.close();
  });

  it('ends a half-open session by idleTimeout (a proxy that stalls), and the next session begins', async () => {
    const server = await startLineServer();
    const proxy = await startFaultProxy(server.port);
    const ended: unknown[] = [];
    const heard: (string | undefined)[] = [];
    for await (const conn of reconnecting(to(proxy.port, { idleTimeout: 100 }), { initialDelay: 1 })) {
      try {
        heard.push(await echo(conn, `session ${heard.length + 1}`));
        if (heard.length === 2) break;
        proxy.stallAll(); // the peer goes silent without closing: only the idle timeout can tell
        await conn.framed(lines()).read();
      } catch (error) {
        ended.push(codeOf(error));
      }
    }
    expect(heard).toEqual(['session 1', 'session 2']);
    expect(ended).toEqual(['ERR_IDLE_TIMEOUT']);
    await proxy.close();
    await server.close();
  });

  it('after connections dropped, reset or stalled at random, reaches the server', async () => {
    const server = await startLineServer();
    const proxy = await startFaultProxy(server.port);
    const fault = fc.constantFrom<Fault>('drop', 'reset', 'stall');
    await fc.assert(
      fc.asyncProperty(fc.array(fault, { maxLength: 4 }), async (faults) => {
        const first = proxy.faults.length;
        proxy.choose((index) => faults[index - first] ?? 'pass');
        const errors: unknown[] = [];
        let answer: string | undefined;
        const client = reconnecting(to(proxy.port, { idleTimeout: 50 }), { initialDelay: 1, maxDelay: 4 });
        for await (const conn of client) {
          try {
            answer = await echo(conn, 'hello');
            if (answer === 'hello') break;
          } catch (error) {
            errors.push(error);
          }
        }
        expect(answer).toBe('hello');
        expect(proxy.faults.slice(first)).toEqual([...faults, 'pass']);
      }),
      { numRuns: 12 },
    );
    await proxy.close();
    await server.close();
  });

  it('refuses bad arguments with coded errors, and a connect that resolves to no Connection at once', async () => {
    const dial = to(1);
    expect(() => reconnecting('x' as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG',
        message: 'reconnecting(): connect must be a function, got "x"',
      }),
    );
    expect(() => reconnecting(dial, { factor: 0.5 })).toThrow(
      expect.objectContaining({
        code: 'ERR_OUT_OF_RANGE',
        message: 'reconnecting(): factor must be a finite number of at least 1, got 0.5',
      }),
    );
    expect(() => reconnecting(dial, { attempts: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => reconnecting(dial, { outbox: { capacity: 10 } })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG',
        message: expect.stringMatching(/^reconnecting\(\): outbox needs a codec/),
      }),
    );
    expect(() => reconnecting(dial, { codec: lines(), outbox: { overflow: 'block' as never } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
    const wrong = reconnecting(async () => 'a socket' as never);
    await expect(wrong[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: 'reconnecting(): connect must resolve to a Connection, got a string',
    });
    expect(() => wrong[Symbol.asyncIterator]()).toThrow(expect.objectContaining({ code: 'ERR_ALREADY_CONSUMED' }));
  });

  it('contains an onRetry that throws, and carries on', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const port = await freePort();
    let server: Awaited<ReturnType<typeof startLineServer>> | undefined;
    const client = reconnecting(to(port), {
      initialDelay: 1,
      onRetry: () => {
        if (server === undefined) void startLineServer(port).then((started) => (server = started));
        throw new Error('a broken onRetry');
      },
    });
    for await (const conn of client) {
      expect(await echo(conn, 'still here')).toBe('still here');
      break;
    }
    expect(report).toHaveBeenCalledWith(
      'sluice: reconnecting(): onRetry threw (contained; carrying on)',
      expect.any(Error),
    );
    await server?.close();
  });
});
