import { lines } from '@sluice/codec';
import { socket$ } from '@sluice/rx';
import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { handlesSettleTo, numRuns, settle } from './support/resources.js';
import { rxServer } from './support/servers.js';

type Op =
  | { kind: 'subscribe' }
  | { kind: 'unsubscribe'; which: number }
  | { kind: 'next'; line: string }
  | { kind: 'complete' }
  | { kind: 'error' }
  | { kind: 'turns'; count: number }
  | { kind: 'untilOpen' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'subscribe' as const }),
  fc.record({ kind: fc.constant('unsubscribe' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('next' as const), line: fc.stringMatching(/^[a-z]{0,8}$/) }),
  fc.constant({ kind: 'complete' as const }),
  fc.constant({ kind: 'error' as const }),
  fc.record({ kind: fc.constant('turns' as const), count: fc.integer({ min: 1, max: 6 }) }),
  fc.constant({ kind: 'untilOpen' as const }),
);

/** The shortest run that must reach an open connection, tried first whatever the seed. */
const SUBSCRIBE_THEN_OPEN: Op[] = [{ kind: 'subscribe' }, { kind: 'untilOpen' }];

describe('socket$ lifecycle', () => {
  it('whatever the order of subscribe, unsubscribe, next, complete and error, no socket outlives its subscriptions', async () => {
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const server = await rxServer(lines()); // echo
        let live = 0; // connections open now
        const sock = socket$({
          host: '127.0.0.1',
          port: server.port,
          codec: lines(),
          openObserver: {
            next: () => {
              opened++;
              live++;
            },
          },
          closeObserver: { next: () => live-- },
        });
        const subscriptions: Subscription[] = [];
        const failures: unknown[] = [];
        for (const step of ops) {
          switch (step.kind) {
            case 'subscribe':
              subscriptions.push(sock.subscribe({ error: (e) => failures.push(e) }));
              break;
            case 'unsubscribe':
              subscriptions.splice(step.which % Math.max(subscriptions.length, 1), 1)[0]?.unsubscribe();
              break;
            case 'next':
              sock.next(step.line);
              break;
            case 'complete':
              sock.complete();
              break;
            case 'error':
              sock.error(new Error('fuzz'));
              break;
            case 'turns':
              for (let i = 0; i < step.count; i++) await new Promise((resolve) => setImmediate(resolve));
              break;
            case 'untilOpen':
              // Waits on events, not time: a connection is open, or every subscription has ended.
              await settle(
                () => live > 0 || subscriptions.every((s) => s.closed),
                (done) => done,
              );
          }
        }
        for (const subscription of subscriptions) subscription.unsubscribe();
        server.subscription.unsubscribe();
        expect(await handlesSettleTo(0)).toBe(0);
        for (const failure of failures) expect(failure).toMatchObject({ message: expect.any(String) });
      }),
      { numRuns: numRuns(30), examples: [[SUBSCRIBE_THEN_OPEN]] },
    );
    // The runs did reach open connections, not only aborted connects: the
    // `untilOpen` steps wait for them, so a slow machine cannot skip them all.
    expect(opened).toBeGreaterThan(0);
  });
});
