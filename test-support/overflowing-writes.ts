/**
 * Writes nobody awaits, pushed into a connection until `writeCapacity` fails
 * it, and what a user relies on then; shared by the TCP, IPC, TLS
 * (`packages/net/test/write-capacity.test.ts`) and WebSocket
 * (`packages/ws/test/write-capacity.test.ts`) tests.
 */
import type { Connection } from '@sluice/connection';
import { OverflowError } from '@sluice/core';
import { expect } from 'vitest';

/** What {@link writeUnawaitedUntilRefused} saw. */
export interface UnawaitedWrites {
  /** Every write's outcome, in order; the last one failed the connection. */
  outcomes: PromiseSettledResult<void>[];
  /** Bytes handed over before the write that failed the connection. */
  handed: number;
}

/** Writes `size`-byte chunks without awaiting them until the connection fails (or `limit` bytes). */
export async function writeUnawaitedUntilRefused(
  conn: Connection,
  size: number,
  limit: number,
): Promise<UnawaitedWrites> {
  const chunk = new Uint8Array(size);
  const writes: Promise<void>[] = [];
  for (let written = 0; written <= limit && !conn.destroyed; written += size) {
    const write = conn.write(chunk);
    write.catch(() => {});
    writes.push(write);
  }
  return { outcomes: await Promise.allSettled(writes), handed: (writes.length - 1) * size };
}

/** Reads `conn` to its end in the background; the promise settles with how it ended. */
export function readInBackground(conn: Connection): Promise<void> {
  const reading = (async () => {
    for await (const _ of conn);
  })();
  reading.catch(() => {});
  return reading;
}

/**
 * Expects the last write to have failed `conn` with ERR_OVERFLOW after at
 * least `capacity` bytes and less than `buffers` more (what the socket took
 * before a write had to wait), every write still waiting then and the
 * reader to have been told the same error, and `conn.error` to be it.
 */
export async function expectOverflowed(
  conn: Connection,
  reading: Promise<void>,
  { capacity, buffers }: { capacity: number; buffers: number },
  { outcomes, handed }: UnawaitedWrites,
): Promise<void> {
  expect(handed).toBeGreaterThanOrEqual(capacity);
  expect(handed).toBeLessThan(capacity + buffers);
  const error = (outcomes.at(-1) as PromiseRejectedResult).reason;
  expect(error).toBeInstanceOf(OverflowError);
  expect(error).toMatchObject({ code: 'ERR_OVERFLOW', limit: capacity });
  expect(String(error.message)).toMatch(/^write\(\): over \d+ bytes \(writeCapacity\)/);
  const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
  expect(failed.length).toBeGreaterThan(1); // the writes still waiting learn it too
  for (const outcome of failed) expect(outcome.reason).toBe(error);
  await expect(reading).rejects.toBe(error);
  await conn.closed;
  expect(conn.error).toBe(error);
}
