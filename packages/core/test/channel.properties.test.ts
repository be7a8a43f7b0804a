import { channel, isSluiceError, type OverflowPolicy } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcOptions, settle } from './helpers.js';

describe('channel properties', () => {
  it('property: every accepted value is delivered exactly once, each producer in order, and size never exceeds capacity', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 3 }),
        async (s, capacity, counts) => {
          const ch = channel<{ producer: number; seq: number }>({ capacity });
          let maxSize = 0;
          const watch = () => (maxSize = Math.max(maxSize, ch.size));
          const producers = counts.map(async (count, producer) => {
            for (let seq = 0; seq < count; seq++) {
              await s.schedule(Promise.resolve(), `producer ${producer}`);
              await ch.push({ producer, seq });
              watch();
            }
          });
          const delivered: Array<{ producer: number; seq: number }> = [];
          const consumer = (async () => {
            for await (const value of ch) {
              watch();
              delivered.push(value);
              await s.schedule(Promise.resolve(), 'consumer');
            }
          })();
          const all = Promise.all([Promise.all(producers).then(() => ch.end()), consumer]);
          const outcome = await settle(s, all, 'producers and consumer');
          expect(outcome.status).toBe('fulfilled');
          expect(maxSize).toBeLessThanOrEqual(capacity);
          counts.forEach((count, producer) => {
            const seqs = delivered.filter((v) => v.producer === producer).map((v) => v.seq);
            expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i));
          });
          expect(delivered).toHaveLength(counts.reduce((a, b) => a + b, 0));
        },
      ),
      fcOptions,
    );
  });

  it('property: whenever end() or return() happens, every push settles (waiting ones reject with ClosedError), nothing hangs, and what is delivered is the accepted values in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), // one push each; true: with a signal that aborts
        fc.constantFrom('end' as const, 'return' as const),
        async (s, capacity, withAbort, mode) => {
          let onReturnCalls = 0;
          const ch = channel<number>({ capacity, onReturn: () => onReturnCalls++ });
          const iterator = ch[Symbol.asyncIterator]();
          const callOrder: number[] = [];
          const aborted = new Set<number>();
          const pushes = withAbort.map(async (abortable, id) => {
            await s.schedule(Promise.resolve(), `push ${id}`);
            const controller = new AbortController();
            if (abortable) {
              s.schedule(Promise.resolve(), `abort ${id}`).then(() => {
                aborted.add(id);
                controller.abort();
              });
            }
            callOrder.push(id);
            const pushed = ch.push(id, { signal: controller.signal });
            expect(ch.size).toBeLessThanOrEqual(capacity);
            return pushed;
          });
          const stopped = s.schedule(Promise.resolve(), mode).then(async () => {
            if (mode === 'end') ch.end();
            else await iterator.return?.();
          });
          const delivered: number[] = [];
          const consumer = (async () => {
            for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
              expect(ch.size).toBeLessThanOrEqual(capacity);
              delivered.push(r.value);
              await s.schedule(Promise.resolve(), 'consumer');
            }
          })();
          const outcome = await settle(s, Promise.allSettled([...pushes, consumer, stopped]), 'a push or the consumer');
          if (outcome.status !== 'fulfilled') throw outcome.reason;
          const results = outcome.value.slice(0, pushes.length);
          const accepted: number[] = [];
          results.forEach((result, id) => {
            if (result.status === 'fulfilled') accepted.push(id);
            else if (isSluiceError(result.reason, 'ABORT_ERR')) expect(aborted.has(id)).toBe(true);
            else expect(isSluiceError(result.reason, 'ERR_CLOSED')).toBe(true);
          });
          const acceptedInOrder = callOrder.filter((id) => accepted.includes(id));
          expect(outcome.value[pushes.length]).toEqual({ status: 'fulfilled', value: undefined });
          if (mode === 'end') {
            expect(delivered).toEqual(acceptedInOrder);
            expect(onReturnCalls).toBe(0);
          } else {
            expect(delivered).toEqual(acceptedInOrder.slice(0, delivered.length));
            expect(onReturnCalls).toBe(1);
            expect(ch.size).toBe(0);
          }
          expect(ch.writable).toBe(false);
        },
      ),
      fcOptions,
    );
  });

  it('property: offer and next() match a reference model of the overflow policy', async () => {
    const op = fc.oneof(fc.record({ offer: fc.integer() }), fc.constant({ read: true as const }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<OverflowPolicy>('wait', 'drop-newest', 'drop-oldest', 'error'),
        fc.integer({ min: 0, max: 4 }),
        fc.array(op, { maxLength: 30 }),
        async (overflow, capacity, ops) => {
          const ch = channel<number>({ capacity, overflow });
          const iterator = ch[Symbol.asyncIterator]();
          const model = { buffer: [] as number[], dropped: 0, failed: false, reportedFailure: false };
          for (const step of ops) {
            if ('offer' in step) {
              const v = step.offer;
              if (model.failed) {
                expect(ch.offer(v)).toBe(false);
              } else if (model.buffer.length < capacity) {
                model.buffer.push(v);
                expect(ch.offer(v)).toBe(true);
              } else if (overflow === 'error') {
                model.failed = true;
                expect(() => ch.offer(v)).toThrow(expect.objectContaining({ code: 'ERR_OVERFLOW', limit: capacity }));
              } else {
                const accepted = overflow === 'drop-oldest' && capacity > 0;
                if (overflow !== 'wait') model.dropped++;
                if (accepted) {
                  model.buffer.shift();
                  model.buffer.push(v);
                }
                expect(ch.offer(v)).toBe(accepted);
              }
            } else if (model.buffer.length > 0) {
              expect(await iterator.next()).toEqual({ done: false, value: model.buffer.shift() });
            } else if (model.failed && !model.reportedFailure) {
              model.reportedFailure = true;
              await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_OVERFLOW' });
            }
            expect(ch.size).toBe(model.buffer.length);
            expect(ch.size).toBeLessThanOrEqual(capacity);
            expect(ch.dropped).toBe(model.dropped);
            expect(ch.writable).toBe(!model.failed);
          }
        },
      ),
      fcOptions,
    );
  });
});
