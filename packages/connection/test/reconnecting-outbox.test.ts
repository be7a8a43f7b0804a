/**
 * The outbox of reconnecting(connect, { codec }), over real loopback
 * sockets: frames written while no session is open wait, bounded in encoded
 * bytes, and reach the server first thing on the next session, each policy
 * keeping what it promises (checked against a model, with fast-check); and
 * under connections dropped and reset at random, what the server receives
 * is a subsequence of what was written, in order: never a frame twice,
 * never out of order.
 */
import { lines } from '@sluice/codec';
import { type ReconnectingFramedClient, reconnecting } from '@sluice/connection';
import type { OverflowPolicy } from '@sluice/core';
import { connect } from '@sluice/net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Fault, startFaultProxy } from '../../../test-support/fault-proxy.js';
import { stillPending, until, within } from '../../../test-support/waits.js';
import { freePort, startLineServer } from './support/line-server.js';
import { codeOf } from './support/pair.js';

const to = (port: number) => (signal: AbortSignal) => connect({ host: '127.0.0.1', port, signal, idleTimeout: 2000 });
const utf8 = new TextEncoder();
/** A frame's size as lines() encodes it: its UTF-8 bytes and the newline. */
const sizeOf = (frame: string) => utf8.encode(frame).byteLength + 1;
const noop = () => {};

/** What a policy keeps of `frames` written while disconnected: the indexes delivered, rejected and dropped. */
function model(frames: string[], capacity: number, policy: Exclude<OverflowPolicy, 'wait'>) {
  const queue: number[] = [];
  let size = 0;
  const rejected: number[] = [];
  let dropped = 0;
  for (const [i, frame] of frames.entries()) {
    const bytes = sizeOf(frame);
    if (bytes > capacity) {
      rejected.push(i);
      continue;
    }
    if (size + bytes > capacity) {
      if (policy === 'error') {
        rejected.push(i);
        continue;
      }
      if (policy === 'drop-newest') {
        dropped++;
        continue;
      }
      while (size + bytes > capacity) {
        size -= sizeOf(frames[queue.shift() as number] as string);
        dropped++;
      }
    }
    queue.push(i);
    size += bytes;
  }
  return { delivered: queue, rejected, dropped, size };
}

/** Opens the next session (the server now listening) and resolves with what the server received before `END`. */
async function deliver(client: ReconnectingFramedClient<string>, server: Awaited<ReturnType<typeof startLineServer>>) {
  const sessions = client[Symbol.asyncIterator]();
  const session = await within(sessions.next(), 5000, 'a session');
  expect(session.done).toBe(false);
  await client.write('END'); // the session is open: straight to it, after the outbox's frames
  await until(() => server.lines().includes('END'), 'the server receiving END');
  await sessions.return?.();
  return server.lines().slice(0, -1);
}

const frame = fc.array(fc.constantFrom('a', 'b', 'c', 'é'), { maxLength: 12 }).map((chars) => chars.join(''));

describe('reconnecting(connect, { codec, outbox })', () => {
  for (const overflow of ['error', 'drop-oldest', 'drop-newest'] as const) {
    it(`'${overflow}': the frames written while disconnected that the policy keeps reach the next session, in order`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(frame, { maxLength: 30 }),
          fc.integer({ min: 1, max: 40 }),
          async (frames, capacity) => {
            const port = await freePort();
            const client = reconnecting(to(port), { codec: lines(), outbox: { capacity, overflow }, initialDelay: 1 });
            const outcomes = await Promise.all(
              frames.map((line) =>
                client.write(line).then(
                  () => 'taken',
                  (error: unknown) => codeOf(error),
                ),
              ),
            );
            const expected = model(frames, capacity, overflow);
            expect(client.outboxSize).toBe(expected.size);
            expect(client.dropped).toBe(expected.dropped);
            expect(outcomes.flatMap((outcome, i) => (outcome === 'taken' ? [] : [[i, outcome]]))).toEqual(
              expected.rejected.map((i) => [i, 'ERR_OVERFLOW']),
            );
            const server = await startLineServer(port);
            const received = await deliver(client, server);
            expect(received).toEqual(expected.delivered.map((i) => frames[i]));
            expect(client.outboxSize).toBe(0);
            await server.close();
          },
        ),
        { numRuns: 15 },
      );
    });
  }

  it("'wait': writes past the capacity wait for the next session, and every frame arrives, in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(frame, { maxLength: 30 }),
        fc.integer({ min: 25, max: 60 }) /* the longest frame, 12 two-byte characters and a newline, fits */,
        async (frames, capacity) => {
          const port = await freePort();
          const client = reconnecting(to(port), {
            codec: lines(),
            outbox: { capacity, overflow: 'wait' },
            initialDelay: 1,
          });
          const writes = frames.map((line) => client.write(line));
          let fits = 0;
          for (let size = 0; fits < frames.length && size + sizeOf(frames[fits] as string) <= capacity; fits++) {
            size += sizeOf(frames[fits] as string);
          }
          for (const [i, write] of writes.entries()) expect(await stillPending(write), `write ${i}`).toBe(i >= fits);
          const server = await startLineServer(port);
          const received = await deliver(client, server);
          await Promise.all(writes);
          expect(received).toEqual(frames);
          await server.close();
        },
      ),
      { numRuns: 15 },
    );
  });

  it("'wait': a write's signal stops its wait, and it is never sent; the client's end rejects the others with ERR_CLOSED", async () => {
    const port = await freePort();
    const client = reconnecting(to(port), {
      codec: lines(),
      outbox: { capacity: 4, overflow: 'wait' },
      initialDelay: 1,
    });
    await client.write('one');
    const controller = new AbortController();
    const cancelled = client.write('two', { signal: controller.signal });
    const three = client.write('six');
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'ABORT_ERR' });
    expect(await stillPending(three)).toBe(true);
    const server = await startLineServer(port);
    expect(await deliver(client, server)).toEqual(['one', 'six']);
    await expect(three).resolves.toBeUndefined();

    const ended = reconnecting(to(port), { codec: lines(), outbox: { capacity: 4, overflow: 'wait' } });
    await ended.write('one');
    const waiting = ended.write('two');
    await ended.close();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(ended.write('three')).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await server.close();
  });

  it('a frame that can never fit, or cannot be encoded, is refused under every policy', async () => {
    for (const overflow of ['wait', 'error', 'drop-oldest', 'drop-newest'] as const) {
      const client = reconnecting(to(1), { codec: lines(), outbox: { capacity: 4, overflow } });
      await expect(client.write('four'), overflow).rejects.toMatchObject({ code: 'ERR_OVERFLOW' });
      await expect(client.write(5 as never), overflow).rejects.toMatchObject({ code: 'ERR_ENCODE' });
      expect(client.outboxSize).toBe(0);
      await client.close();
    }
  });

  it('under connections dropped and reset at random, the server receives a subsequence of what was written, in order', async () => {
    const server = await startLineServer();
    const proxy = await startFaultProxy(server.port);
    const fault = fc.constantFrom<Fault>('pass', 'pass', 'drop', 'reset');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fault, { maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 39 }), { maxLength: 3 }),
        fc.constantFrom<OverflowPolicy>('wait', 'error', 'drop-oldest', 'drop-newest'),
        async (faults, resets, overflow) => {
          server.received.length = 0;
          const first = proxy.faults.length;
          proxy.choose((index) => faults[index - first] ?? 'pass');
          const client = reconnecting(to(proxy.port), {
            codec: lines(),
            outbox: { capacity: 64, overflow },
            initialDelay: 1,
            maxDelay: 2,
          });
          let written = false;
          const writer = (async () => {
            for (let i = 0; i < 40; i++) {
              await client.write(`f${i}`).catch(noop);
              if (resets.includes(i)) proxy.resetAll();
            }
            written = true;
            await client.write('END').catch(noop);
          })();
          for await (const io of client) {
            if (written) await io.write('END').catch(noop); // END again on a new session: the last one may have been lost
            let ended = false;
            try {
              for await (const line of io) {
                if (line !== 'END') continue;
                ended = true;
                break;
              }
            } catch {}
            if (ended || server.lines().includes('END')) break;
          }
          await writer;
          const received = server.lines().filter((line) => line !== 'END');
          const indexes = received.map((line) => Number(line.slice(1)));
          expect(indexes).toEqual([...new Set(indexes)].sort((a, b) => a - b)); // in order, none twice
        },
      ),
      { numRuns: 12 },
    );
    await proxy.close();
    await server.close();
  });
});
