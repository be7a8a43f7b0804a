/**
 * requester() over the sessions of a reconnecting() client, against a
 * respond() server, with the fault proxy between them (real loopback
 * sockets): fast-check chooses which connections are dropped, reset or
 * stalled as they open and which sessions are reset or stalled with
 * requests in flight. Every request settles, with its own response or a
 * coded error; once the faults stop a session answers every request; no
 * request is left pending, and no session is kept after it ended.
 */
import { json } from '@sluice/codec';
import { type Connection, type Requester, reconnecting, requester, respond } from '@sluice/connection';
import { connect, listen } from '@sluice/net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Fault, startFaultProxy } from '../../../test-support/fault-proxy.js';
import { turns, within } from '../../../test-support/waits.js';
import { collectGarbage } from './support/gc.js';
import { codeOf } from './support/pair.js';

type Message = { id: number; n: number };
/** What may happen to a session once its requests are written. */
type Midway = 'none' | 'reset' | 'stall';

/** How a request may fail when no response can come: closed, timed out, or the connection's own error. */
const CODES = ['ERR_REQUEST_CLOSED', 'ERR_REQUEST_TIMEOUT', 'ERR_IDLE_TIMEOUT', 'ECONNRESET', 'EPIPE'];
const BATCH = 4;

const modes = {
  id: {
    client: { requestId: (request: Message) => request.id, responseId: (response: Message) => response.id },
    server: 'id',
  },
  order: { client: 'order', server: 'order' },
} as const;

describe('requests over reconnecting sessions, under faults', () => {
  for (const mode of ['id', 'order'] as const) {
    it(`by ${mode}: each request gets its own response or a coded error, sessions resume once faults stop, nothing is left pending`, async () => {
      await using listener = await listen({ host: '127.0.0.1', port: 0 });
      // The answer depends on the request's payload, not its id: a response handed to another request shows.
      void listener.serve(
        (conn) =>
          respond(conn.framed(json<Message>()), ({ id, n }) => ({ id, n: n * 2 }), {
            concurrency: 4,
            correlate: modes[mode].server,
          }),
        { onError: () => {} }, // a connection the proxy reset fails its respond(): expected here
      );
      const proxy = await startFaultProxy((listener.address as { port: number }).port);
      const opening = fc.constantFrom<Fault>('pass', 'drop', 'reset', 'stall');
      const midway = fc.constantFrom<Midway>('none', 'reset', 'stall');
      let nextId = 0;

      await fc.assert(
        fc.asyncProperty(
          fc.array(opening, { maxLength: 4 }),
          fc.array(midway, { maxLength: 3 }),
          async (openings, midways) => {
            const first = proxy.faults.length;
            proxy.choose((index) => openings[index - first] ?? 'pass');
            const sessions: WeakRef<Requester<Message, Message>>[] = [];
            const closed: Promise<void>[] = [];
            // Codes, not the errors: an error keeps what its stack passed through until the stack is read.
            const failures: unknown[] = [];
            let answered = 0;
            let session = 0;
            let lastOk = 0;
            const client = reconnecting(
              (signal) => connect({ host: '127.0.0.1', port: proxy.port, signal, idleTimeout: 100 }),
              { initialDelay: 1, maxDelay: 4 },
            );
            for await (const conn of client) {
              closed.push(conn.closed);
              const { ok, pending, ref } = await exchange(conn, midways[session++] ?? 'none', failures);
              expect(pending).toBe(0);
              answered += ok;
              lastOk = ok;
              sessions.push(ref);
              // Once no fault is left to come, a session answers every request (a bound, not a hang, if none does).
              const faultsDone = proxy.faults.length - first >= openings.length && session >= midways.length;
              if ((ok === BATCH && faultsDone) || session > openings.length + midways.length + 10) break;
            }
            await client.close();
            await within(Promise.all(closed), 5000, 'every session closing');
            expect(lastOk).toBe(BATCH);
            expect(answered).toBeGreaterThanOrEqual(BATCH);
            for (const failure of failures) expect(CODES).toContain(failure);
            await turns(2);
            collectGarbage();
            expect(sessions.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
          },
        ),
        { numRuns: 10 },
      );
      await proxy.close();

      /**
       * One session: a requester, a batch of requests in flight, and the
       * fault chosen for it; returns how many were answered, how many are
       * still pending once all have settled, and a weak reference to the
       * requester (in a function of its own, so that no strong one is left).
       */
      async function exchange(
        conn: Connection,
        fault: Midway,
        failures: unknown[],
      ): Promise<{ ok: number; pending: number; ref: WeakRef<Requester<Message, Message>> }> {
        const rpc = requester(conn.framed(json<Message>()), { correlate: modes[mode].client, timeout: 500 });
        const sent = Array.from({ length: BATCH }, () => ({ id: nextId, n: nextId++ * 3 + 1 }));
        const results = Promise.allSettled(sent.map((request) => rpc.request(request)));
        if (fault === 'reset') proxy.resetAll();
        else if (fault === 'stall') proxy.stallAll();
        let ok = 0;
        for (const [i, result] of (await results).entries()) {
          const request = sent[i] as Message;
          if (result.status === 'fulfilled') {
            expect(result.value).toEqual({ id: request.id, n: request.n * 2 });
            ok++;
          } else {
            failures.push(
              codeOf(result.reason) ?? `${(result.reason as Error).name}: ${(result.reason as Error).message}`,
            );
          }
        }
        const pending = rpc.pending;
        await rpc.close();
        return { ok, pending, ref: new WeakRef(rpc) };
      }
    }, 20_000);
  }
});
