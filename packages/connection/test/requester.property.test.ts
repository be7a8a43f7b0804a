/**
 * Whatever the order a server answers in, every request resolves to its own
 * response; with timeouts and aborts at random, each request either gets
 * its response or a coded error, and nothing stays pending.
 */
import { json } from '@sluice/codec';
import { requester } from '@sluice/connection';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runs } from '../../../test-support/chunking.js';
import { connectedPair } from './support/pair.js';

interface Message {
  id: number;
  answer?: number | undefined;
}
const byId = { requestId: (m: Message) => m.id, responseId: (m: Message) => m.id };

/** What happens to each request: answered, given a short timeout, or aborted (before or after sending). */
const fate = fc.constantFrom('answer', 'timeout', 'abort', 'abort-later');

describe('requester() (property)', () => {
  it('by id: requests answered in a random order, some timed out or aborted, each settle with their own outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fate, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.infiniteStream(fc.nat()),
        async (fates, maxPending, picks) => {
          await using pair = connectedPair();
          const rpc = requester(pair.conn.framed(json<Message>()), { correlate: byId, maxPending });
          const peer = pair.peer.framed(json<Message>());
          const later = new AbortController();
          const outcomes = fates.map((kind, id) => {
            const now = new AbortController();
            const options =
              kind === 'timeout'
                ? { timeout: 1 }
                : kind === 'abort'
                  ? { signal: now.signal }
                  : kind === 'abort-later'
                    ? { signal: later.signal }
                    : {};
            const request = rpc.request({ id }, options);
            if (kind === 'abort') now.abort();
            return request.then(
              (response) => ({ id, response }),
              (error: unknown) => ({ id, code: (error as { code?: string }).code }),
            );
          });
          later.abort();
          // The server answers whatever it reads, in a random order, a few at a time.
          const unanswered: number[] = [];
          const pick = picks[Symbol.iterator]();
          const serve = (async () => {
            for await (const request of peer) {
              unanswered.push(request.id);
              while (unanswered.length > 0 && (pick.next().value as number) % 3 !== 0) {
                const [id] = unanswered.splice((pick.next().value as number) % unanswered.length, 1);
                await peer.write({ id: id as number, answer: (id as number) * 2 });
              }
            }
          })();
          // Its last write may meet the peer destroyed at the end: handled at once, not only when awaited below.
          const served = serve.catch(() => {});
          let done = false;
          const all = Promise.all(outcomes).finally(() => (done = true));
          // Answer the rest once reading has caught up, until every request has settled.
          const flush = (async () => {
            while (!done) {
              await new Promise((resolve) => setImmediate(resolve));
              for (const id of unanswered.splice(0)) await peer.write({ id, answer: id * 2 });
            }
          })();
          const settled = await all;
          await flush;
          for (const [id, kind] of fates.entries()) {
            const outcome = settled[id] as { id: number; response?: Message; code?: string };
            if (kind === 'answer') expect(outcome.response).toEqual({ id, answer: id * 2 });
            else if (outcome.response !== undefined) expect(outcome.response).toEqual({ id, answer: id * 2 });
            else expect(outcome.code).toBe(kind === 'timeout' ? 'ERR_REQUEST_TIMEOUT' : 'ABORT_ERR');
          }
          expect(rpc.pending).toBe(0);
          pair.peer.destroy();
          await rpc.close().catch(() => {});
          await served;
        },
      ),
      runs(60),
    );
  });
});
