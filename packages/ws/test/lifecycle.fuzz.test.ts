/**
 * The lifecycle fuzz of `@sluice/net`'s suite, over WebSocket: random
 * sequences of operations on both ends of one connection (writes, a write the
 * peer refuses as too big, half-close, close with and without a close code,
 * destroy, an aborted read, leaving a loop early, and the WebSocket
 * terminated under the connection), with or without a reader draining each
 * side, ended by destroying or by closing both sides. Every operation must
 * settle, every failure must be a coded error, nothing may be left rejected
 * and unhandled, both `closed` promises must resolve, and every socket and
 * server handle must be released afterwards.
 */
import type { Connection } from '@sluice/connection';
import { connect, listen } from '@sluice/ws';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { expectHandlesBackTo, socketHandles } from '../../../test-support/handles.js';
import { settlesWithin, within } from '../../../test-support/waits.js';

/** Runs: raised with FC_NUM_RUNS. */
const runs = Number(process.env.FC_NUM_RUNS ?? 100);
const MAX_PAYLOAD = 1024 * 1024;

const operations = [
  'write',
  'bigWrite',
  'tooBigWrite',
  'closeWrite',
  'close',
  'closeWithCode',
  'destroy',
  'destroyWithError',
  'abortRead',
  'break',
  'terminate',
  'tick',
] as const;
type Operation = (typeof operations)[number];
type Side = 'client' | 'server';

/** Applies one operation; the returned promise may reject, it must only settle. */
function apply(conn: Connection<WebSocket>, operation: Operation): Promise<unknown> {
  switch (operation) {
    case 'write':
      return conn.write('x'.repeat(100));
    case 'bigWrite':
      return conn.write(new Uint8Array(MAX_PAYLOAD)); // the largest message the peer takes
    case 'tooBigWrite':
      return conn.write(new Uint8Array(MAX_PAYLOAD + 1)); // the peer closes with 1009
    case 'closeWrite':
      return conn.closeWrite();
    case 'close':
      return conn.close();
    case 'closeWithCode':
      return conn.close(4000, 'fuzz'); // the peer's reader gets ERR_WS_CLOSED with 4000
    case 'destroy':
      conn.destroy();
      return Promise.resolve();
    case 'destroyWithError':
      conn.destroy(new Error('fuzz'));
      return Promise.resolve();
    case 'abortRead': {
      const controller = new AbortController();
      const read = conn.reader({ signal: controller.signal })[Symbol.asyncIterator]().next();
      controller.abort();
      return read;
    }
    case 'break':
      return (async () => {
        for await (const _ of conn) break;
      })();
    case 'terminate':
      // The WebSocket cut off under the connection: no close frame, the peer sees 1006.
      if (!conn.destroyed) {
        const ws = conn.unwrap();
        // Ours now: as it closes, ws still parses what it had buffered, and may report that (a message too big).
        ws.on('error', () => {});
        ws.terminate();
      }
      return Promise.resolve();
    case 'tick':
      // Lets the I/O under way happen before the next step (a peer's close frame, a refusal with 1009).
      return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  }
}

/** Steps that may wait on the peer: they must settle by the end, not at once. */
function mayWaitForPeer(operation: Operation, peerReads: boolean): boolean {
  if (operation === 'bigWrite' || operation === 'tooBigWrite') return true;
  // Half-closing resolves once what was written has gone out, which a peer that does not read can hold up.
  return operation === 'closeWrite' && !peerReads;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('WebSocket connection lifecycle', () => {
  it(
    'under any sequence of operations on both ends, everything settles, nothing is unhandled, every handle is released',
    async () => {
      const baseline = socketHandles();
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({ side: fc.constantFrom<Side>('client', 'server'), operation: fc.constantFrom(...operations) }),
            { minLength: 1, maxLength: 8 },
          ),
          fc.record({ client: fc.boolean(), server: fc.boolean() }),
          fc.constantFrom('destroy', 'close'),
          async (steps, reads, ending) => {
            const listener = await listen({ host: '127.0.0.1', port: 0, closeTimeout: 200 });
            const accepted = listener.accept();
            const client = await connect(`ws://127.0.0.1:${listener.port}`, { closeTimeout: 200 });
            const server = (await accepted)!;
            const ends = { client, server };
            const rejections: { what: string; error: unknown }[] = [];
            // Each side greets, so that a side nothing reads in the background still has a chunk to break on.
            await Promise.all([client.write('hello'), server.write('hello')]);
            // A reader drains a side in the background, as an application would; or only the steps read it.
            const readers = (['client', 'server'] as const).map(async (side) => {
              if (!reads[side]) return;
              try {
                for await (const _ of ends[side].reader()) {
                  // discard
                }
              } catch (error) {
                // A read may fail with the peer's close code or a local error: it only has to settle.
                rejections.push({ what: `${side} background read`, error });
              }
            });
            const pending: Promise<unknown>[] = [];
            for (const { side, operation } of steps) {
              let result: Promise<unknown>;
              try {
                result = apply(ends[side], operation);
              } catch (error) {
                result = Promise.reject(error);
              }
              result.catch((error: unknown) => rejections.push({ what: `${side} ${operation}`, error }));
              pending.push(result);
              if (operation === 'destroy' || operation === 'destroyWithError') {
                expect(ends[side].destroyed, 'destroyed at once, not when ws reports the close').toBe(true);
              }
              const peerReads = reads[side === 'client' ? 'server' : 'client'];
              if (!mayWaitForPeer(operation, peerReads)) await settlesWithin(result, 5000, `${side} ${operation}`);
            }
            if (ending === 'destroy') {
              for (const conn of [client, server]) if (!conn.destroyed) conn.destroy();
            } else {
              // Gracefully: bounded by closeTimeout even when the peer is gone or does not read.
              const closing = [client, server].map((conn) => conn.close());
              for (const done of closing)
                done.catch((error: unknown) => rejections.push({ what: 'final close', error }));
              await settlesWithin(Promise.allSettled(closing), 5000, 'closing both ends');
            }
            await settlesWithin(Promise.allSettled([...pending, ...readers]), 5000, 'the remaining operations');
            // `closed` resolves (never rejects) on both ends, whatever happened.
            await within(Promise.all([client.closed, server.closed]), 5000, 'both connections closing');
            await listener.close();
            await expectHandlesBackTo(baseline);
            await new Promise((resolve) => setImmediate(resolve));
            expect(unhandled, 'unhandled rejections').toEqual([]);
            // Every failure is a coded error (Sluice's or Node's), or the one a step destroyed with.
            for (const { what, error } of rejections) {
              if (error instanceof Error && error.message === 'fuzz') continue;
              expect(error, what).toHaveProperty('code', expect.any(String));
            }
          },
        ),
        { numRuns: runs, endOnFailure: true },
      );
    },
    Math.max(60_000, runs * 250),
  );
});
