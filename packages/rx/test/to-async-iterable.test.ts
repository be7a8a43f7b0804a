import { type PushOverflowPolicy, toAsyncIterable } from '@sluice/rx';
import fc from 'fast-check';
import { finalize, interval, Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { numRuns } from './support/resources.js';

/** Iterates `iterable` to the end, collecting the values. */
async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

/**
 * The reference model of a bounded buffer between a pushing source and a
 * pulling loop: a waiting pull takes an emitted value directly; otherwise the
 * value is buffered, or the policy decides when `capacity` values wait.
 */
class Model {
  readonly buffer: number[] = [];
  waiting = 0;
  failed = false;

  constructor(
    readonly capacity: number,
    readonly policy: PushOverflowPolicy,
  ) {}

  /** What a pull resolves with now: a value, 'error', 'done' (after the failure), or 'wait'. */
  pull(): number | 'error' | 'done' | 'wait' {
    if (this.buffer.length > 0) return this.buffer.shift() as number;
    if (this.failed) return this.waiting++ === 0 ? 'error' : 'done';
    this.waiting++;
    return 'wait';
  }

  /** Returns true if the value went to a waiting pull. */
  emit(value: number): boolean {
    if (this.failed) return false;
    if (this.waiting > 0) {
      this.waiting--;
      return true;
    }
    if (this.buffer.length < this.capacity) this.buffer.push(value);
    else if (this.policy === 'drop-oldest') {
      if (this.capacity > 0) {
        this.buffer.shift();
        this.buffer.push(value);
      }
    } else if (this.policy === 'error') this.failed = true;
    return false;
  }
}

const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('emit' as const), value: fc.integer() }),
    fc.record({ kind: fc.constant('pull' as const) }),
  ),
  { maxLength: 60 },
);

describe('toAsyncIterable', () => {
  it('yields every value and ends when the Observable completes', async () => {
    const subject = new Subject<number>();
    const values = collect(toAsyncIterable(subject));
    for (let i = 0; i < 5; i++) subject.next(i);
    subject.complete();
    await expect(values).resolves.toEqual([0, 1, 2, 3, 4]);
  });

  it('throws the Observable error after the values buffered before it', async () => {
    const subject = new Subject<number>();
    const iterator = toAsyncIterable(subject)[Symbol.asyncIterator]();
    subject.next(1);
    subject.error(new Error('boom'));
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(iterator.next()).rejects.toThrow('boom');
  });

  it('subscribes when the loop starts, once per loop', () => {
    let subscriptions = 0;
    const source = new Observable<number>(() => {
      subscriptions++;
    });
    const iterable = toAsyncIterable(source);
    expect(subscriptions).toBe(0);
    iterable[Symbol.asyncIterator]();
    iterable[Symbol.asyncIterator]();
    expect(subscriptions).toBe(2);
  });

  it('unsubscribes from the Observable when the loop breaks', async () => {
    let finalized = false;
    const ticks = interval(1).pipe(finalize(() => (finalized = true)));
    for await (const tick of toAsyncIterable(ticks)) {
      if (tick === 2) break;
    }
    expect(finalized).toBe(true);
  });

  it("with 'error', unsubscribes on overflow and rejects with ERR_OVERFLOW after the buffered values", async () => {
    const subject = new Subject<number>();
    const iterator = toAsyncIterable(subject, { capacity: 2 })[Symbol.asyncIterator]();
    for (let i = 1; i <= 3; i++) subject.next(i);
    expect(subject.observed).toBe(false);
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 2 });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_OVERFLOW', limit: 2 });
  });

  it('refuses a negative capacity (ERR_OUT_OF_RANGE) or an unknown policy (ERR_INVALID_ARG)', () => {
    const subject = new Subject<number>();
    expect(() => toAsyncIterable(subject, { capacity: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => toAsyncIterable(subject, { capacity: '4' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
    expect(() => toAsyncIterable(subject, { overflow: 'wait' as PushOverflowPolicy })).toThrow(/overflow must be/);
  });

  it('refuses something that is not an Observable, or options that are not an object, with ERR_INVALID_ARG at once', () => {
    for (const observable of [undefined, null, 5, {}, [1, 2]]) {
      expect(() => toAsyncIterable(observable as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    }
    expect(() => toAsyncIterable({} as never)).toThrow(
      'toAsyncIterable(): observable.subscribe must be a function, got undefined',
    );
    expect(() => toAsyncIterable(new Subject(), null as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
  });

  for (const policy of ['error', 'drop-oldest', 'drop-newest'] as const) {
    it(`'${policy}' keeps exactly what the reference model keeps, under any interleaving of emits and pulls`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 5 }), ops, async (capacity, script) => {
          const model = new Model(capacity, policy);
          const subject = new Subject<number>();
          const iterator = toAsyncIterable(subject, { capacity: capacity, overflow: policy })[Symbol.asyncIterator]();
          const waiting: { promise: Promise<IteratorResult<number>>; expected: number }[] = [];
          for (const op of script) {
            if (op.kind === 'emit') {
              subject.next(op.value);
              if (model.emit(op.value)) {
                const pull = waiting.shift();
                expect(await pull?.promise).toEqual({ done: false, value: op.value });
              }
              continue;
            }
            const expected = model.pull();
            const promise = iterator.next();
            if (expected === 'wait') waiting.push({ promise, expected: 0 });
            else if (expected === 'error') await expect(promise).rejects.toMatchObject({ code: 'ERR_OVERFLOW' });
            else if (expected === 'done') await expect(promise).resolves.toMatchObject({ done: true });
            else await expect(promise).resolves.toEqual({ done: false, value: expected });
          }
          // The source unsubscribed exactly when the model failed.
          expect(subject.observed).toBe(!model.failed);
          // Completing delivers what is left, in order.
          subject.complete();
          for (const pull of waiting) await expect(pull.promise).resolves.toMatchObject({ done: true });
          if (waiting.length === 0) {
            const rest: number[] = [];
            for (;;) {
              const result = await iterator
                .next()
                .catch((error: { code?: string }) => ({ done: true as const, error }));
              if (result.done === true) break;
              rest.push(result.value);
            }
            expect(rest).toEqual(model.buffer);
          }
        }),
        { numRuns: numRuns(100) },
      );
    });
  }
});
