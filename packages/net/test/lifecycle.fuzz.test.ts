import type { Socket } from 'node:net';
import { type Connection, connect, listen } from '@sluice/net';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectHandlesBackTo, socketHandles } from '../../../test-support/handles.js';
import { settlesWithin } from '../../../test-support/waits.js';
import { numRuns } from './support/transports.js';

type Operation =
  | 'write'
  | 'bigWrite'
  | 'closeWrite'
  | 'close'
  | 'destroy'
  | 'destroyWithError'
  | 'abortRead'
  | 'break'
  | 'reset';
const operations: Operation[] = [
  'write',
  'bigWrite',
  'closeWrite',
  'close',
  'destroy',
  'destroyWithError',
  'abortRead',
  'break',
  'reset',
];

/** Applies one operation; the returned promise may reject, it must only settle. */
function apply(conn: Connection<Socket>, operation: Operation): Promise<unknown> {
  switch (operation) {
    case 'write':
      return conn.write('x'.repeat(100));
    case 'bigWrite':
      return conn.write(new Uint8Array(1024 * 1024));
    case 'closeWrite':
      return conn.closeWrite();
    case 'close':
      return conn.close();
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
    case 'reset':
      if (!conn.destroyed) conn.unwrap().resetAndDestroy();
      return Promise.resolve();
  }
}

describe('connection lifecycle', () => {
  it('under any sequence of operations on both ends, everything settles and every handle is released', async () => {
    const baseline = socketHandles();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ side: fc.constantFrom('client', 'server'), operation: fc.constantFrom(...operations) }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (steps) => {
          await using listener = await listen({ host: '127.0.0.1', port: 0, closeTimeout: 200 });
          const accepted = listener.accept();
          const client = await connect({ ...listener.address, closeTimeout: 200 });
          const server = (await accepted)!;
          // A reader drains each side in the background, as an application would.
          const readers = [client, server].map((conn) =>
            (async () => {
              for await (const _ of conn.reader()) {
                // discard
              }
            })().catch(() => {
              // A read may fail with the peer's reset or a local error: it only has to settle.
            }),
          );
          const pending: Promise<unknown>[] = [];
          for (const { side, operation } of steps) {
            const conn = side === 'client' ? client : server;
            let result: Promise<unknown>;
            try {
              result = apply(conn, operation);
            } catch (error) {
              result = Promise.reject(error);
            }
            result.catch(() => {});
            pending.push(result);
            if (operation !== 'bigWrite') await settlesWithin(result, 5000, operation);
          }
          for (const conn of [client, server]) if (!conn.destroyed) conn.destroy();
          await settlesWithin(Promise.allSettled([...pending, ...readers]), 5000, 'the remaining operations');
          await listener.close();
          await expectHandlesBackTo(baseline);
        },
      ),
      { numRuns: numRuns(40), endOnFailure: true },
    );
  }, 120_000);
});
