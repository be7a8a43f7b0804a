/**
 * @sluice/net's listener.serve(), over real loopback sockets and a Unix
 * socket: many clients at once, a throwing handler (its connection only,
 * reported to onError), maxConnections, concurrency and its counts, an
 * onError that throws, and serve() and accept() after serve() has finished.
 * How serve() shuts down is in `listener-shutdown.test.ts`.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { readAll } from './support/read-all.js';
import { echo, roundTrip, text } from './support/round-trip.js';

describe('listener.serve', () => {
  it('serves many clients at once, each getting its own bytes back', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(echo);
    const messages = Array.from({ length: 100 }, (_, i) => `client ${i} `.repeat(i + 1));
    const answers = await Promise.all(messages.map((message) => roundTrip(listener.address, message)));
    expect(answers).toEqual(messages);
    await listener.close();
    await served;
  });

  it('a throwing handler closes only its own connection and is reported through onError', async () => {
    const errors: unknown[] = [];
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(
      async (conn) => {
        const first = text((await conn.reader()[Symbol.asyncIterator]().next()).value ?? new Uint8Array());
        if (first.startsWith('boom')) throw new Error(`handler failed on ${first}`);
        await conn.write(first);
        await echo(conn);
      },
      { onError: (error) => errors.push(error) },
    );
    const [bad, good] = await Promise.all([roundTrip(listener.address, 'boom'), roundTrip(listener.address, 'fine')]);
    expect(bad).toBe('');
    expect(good).toBe('fine');
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('handler failed on boom');
    // The server still works after the failure.
    expect(await roundTrip(listener.address, 'again')).toBe('again');
    await listener.close();
    await served;
  });

  it('refuses connections past maxConnections at once while the others keep working', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, maxConnections: 2 });
    const served = listener.serve(echo);
    const held = await Promise.all([connect(listener.address), connect(listener.address)]);
    await held[0]!.write('x');
    await held[1]!.write('y');
    // Both held connections have been accepted once their echo arrives.
    for (const conn of held) await conn.reader()[Symbol.asyncIterator]().next();
    const excess = await connect(listener.address);
    const outcome = await readAll(excess).then(
      (bytes) => `ended with ${bytes.byteLength} bytes`,
      (error: { code?: string }) => error.code,
    );
    expect(['ended with 0 bytes', 'ECONNRESET']).toContain(outcome);
    expect(listener.counters.refused).toBeGreaterThanOrEqual(1);
    await held[0]!.write('still here');
    expect(text((await held[0]!.reader()[Symbol.asyncIterator]().next()).value!)).toBe('still here');
    for (const conn of held) await conn.closeWrite();
    await Promise.all(held.map((conn) => readAll(conn)));
    await listener.close();
    await served;
  });

  it('keeps to its concurrency and counts right when a handler throws before its first await', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    let calls = 0;
    let running = 0;
    let mostAtOnce = 0;
    const served = listener.serve(
      (conn) => {
        if (calls++ === 0) throw new Error('refused at once'); // synchronously, not a rejected promise
        return (async () => {
          running++;
          mostAtOnce = Math.max(mostAtOnce, running);
          await readAll(conn);
          await conn.write('done');
          running--;
        })();
      },
      { concurrency: 1, onError: () => {} },
    );
    const answers = await Promise.all(Array.from({ length: 5 }, () => roundTrip(listener.address, 'hi')));
    expect(answers.filter((answer) => answer === 'done')).toHaveLength(4);
    expect(mostAtOnce).toBe(1);
    await listener.close();
    await expect(served).resolves.toEqual({ served: 4, failed: 1, cut: 0 });
  });

  it('serves over IPC (a Unix socket path)', async () => {
    const path = join(tmpdir(), `sluice-${process.pid}-${Date.now()}.sock`);
    const listener = await listen({ path });
    expect(listener.address).toEqual({ path });
    const served = listener.serve(echo);
    expect(await roundTrip({ path }, 'over ipc')).toBe('over ipc');
    await listener.close();
    await served;
  });
});

describe('serve() at the edges', () => {
  it('an onError that throws is contained: the server and its other connections carry on', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const reported: unknown[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => void reported.push(args);
    try {
      const listener = await listen({ host: '127.0.0.1', port: 0 });
      const served = listener.serve(
        async (conn) => {
          const said = new TextDecoder().decode(await readAll(conn.reader({ keepOpen: true })));
          if (said === 'fail') throw new Error('handler failed');
          await conn.write('ok');
        },
        {
          onError: () => {
            throw new Error('onError itself throws');
          },
        },
      );
      const failing = await connect(listener.address);
      await failing.write('fail');
      await failing.closeWrite();
      await failing.closed;
      const fine = await connect(listener.address);
      await fine.write('fine');
      await fine.closeWrite();
      expect(new TextDecoder().decode(await readAll(fine))).toBe('ok');
      await listener.close();
      await served;
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(reported.length).toBe(1); // both errors told once, through the default reporter
    } finally {
      process.off('unhandledRejection', onUnhandled);
      console.error = originalError;
    }
  });

  it('after serve() has finished, serve() and accept() answer as on any closed listener', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(async () => {});
    await listener.close();
    await served;
    await expect(listener.accept()).resolves.toBeUndefined();
    await expect(listener.serve(async () => {})).resolves.toEqual({ served: 0, failed: 0, cut: 0 });
  });
});
