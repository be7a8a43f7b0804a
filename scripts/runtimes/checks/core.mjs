/** @sluice/core: pipelines, steps, sinks and the bounded channel, with no sockets. */
import assert from 'node:assert/strict';
import { check, rejection } from '../harness.mjs';
import { assertSluiceError, sluice } from './support.mjs';

const { batch, channel, collect, drain, filter, forEach, map, merge, pipe, take, tap } = sluice;

async function* count(from, to) {
  for (let i = from; i < to; i++) yield i;
}

export function checkCore() {
  check('core: pipe with map, filter, batch, take, tap and sinks', async () => {
    const seen = [];
    const result = await pipe(
      count(1, 1000),
      filter((n) => n % 2 === 0),
      map(async (n) => n * 10, { concurrency: 4 }),
      tap((n) => seen.push(n)),
      batch({ size: 3 }),
      take(3),
      collect(),
    );
    assert.deepEqual(result, [
      [20, 40, 60],
      [80, 100, 120],
      [140, 160, 180],
    ]);
    assert.deepEqual(seen.slice(0, 9), [20, 40, 60, 80, 100, 120, 140, 160, 180]);
    let sum = 0;
    await pipe(
      [1, 2, 3],
      forEach((n) => void (sum += n)),
    );
    assert.equal(sum, 6);
    await pipe(count(0, 100), drain());
    const merged = await pipe(merge(count(0, 50), count(50, 100)), collect());
    assert.deepEqual(
      merged.sort((a, b) => a - b),
      [...Array(100).keys()],
    );
  });

  check('core: a bounded channel waits, drops and fails as its policy says', async () => {
    const waiting = channel({ capacity: 2 });
    const produced = (async () => {
      for (let i = 0; i < 20; i++) await waiting.push(i);
      waiting.end();
    })();
    const received = [];
    for await (const value of waiting) {
      assert.ok(waiting.size <= 2, 'the buffer stays within its capacity');
      received.push(value);
    }
    await produced;
    assert.deepEqual(received, [...Array(20).keys()]);

    const latest = channel({ capacity: 2, overflow: 'drop-oldest' });
    for (let i = 0; i < 5; i++) latest.offer(i);
    latest.end();
    assert.deepEqual(await pipe(latest, collect()), [3, 4]);
    assert.equal(latest.dropped, 3);

    const strict = channel({ capacity: 1, overflow: 'error' });
    strict.offer(1);
    assertSluiceError(
      await rejection(
        Promise.resolve().then(() => strict.offer(2)),
        'offer past capacity',
      ),
      'ERR_OVERFLOW',
    );

    const leaving = channel({ capacity: 4 });
    await leaving.push('a');
    for await (const value of leaving) {
      assert.equal(value, 'a');
      break;
    }
    assertSluiceError(await rejection(leaving.push('b'), 'push after break'), 'ERR_CLOSED');
  });
}
