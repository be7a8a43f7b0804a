/**
 * Over WebSocket as over TCP: messages written while earlier ones wait for
 * the peer may hold `writeCapacity` bytes, then the connection fails with
 * `ERR_OVERFLOW` where its reader and writers wait, on the client and on the
 * server; the listener goes on. A writer that awaits each write never meets
 * the bound.
 */
import type { Connection, SocketAddress } from '@sluice/connection';
import { OverflowError } from '@sluice/core';
import { connect, listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { url } from './support/echo.js';

const MESSAGE = 64 * 1024;
/** More than the socket buffers and `ws`'s first queued messages take before a write has to wait. */
const SOCKET_BUFFERS = 16 * 1024 * 1024;

/** Writes messages without awaiting them until the connection fails; returns every outcome and the bytes handed over before the last write. */
async function writeUnawaitedUntilRefused(conn: Connection, limit: number) {
  const message = new Uint8Array(MESSAGE);
  const writes: Promise<void>[] = [];
  for (let written = 0; written <= limit && !conn.destroyed; written += MESSAGE) {
    const write = conn.write(message);
    write.catch(() => {});
    writes.push(write);
  }
  return { outcomes: await Promise.allSettled(writes), handed: (writes.length - 1) * MESSAGE };
}

/** Expects the last write to have failed `conn` with ERR_OVERFLOW after `capacity` bytes and at most the buffers more, told to its reader. */
async function expectOverflowed(
  conn: Connection,
  reading: Promise<void>,
  capacity: number,
  { outcomes, handed }: Awaited<ReturnType<typeof writeUnawaitedUntilRefused>>,
) {
  expect(handed).toBeGreaterThanOrEqual(capacity);
  expect(handed).toBeLessThan(capacity + SOCKET_BUFFERS);
  const error = (outcomes.at(-1) as PromiseRejectedResult).reason;
  expect(error).toBeInstanceOf(OverflowError);
  expect(error).toMatchObject({ code: 'ERR_OVERFLOW', limit: capacity });
  await expect(reading).rejects.toBe(error);
  await conn.closed;
  expect(conn.error).toBe(error);
}

/** The port a listener bound. */
const portOf = (listener: { address: SocketAddress }) => ('port' in listener.address ? listener.address.port : 0);

/** Reads `conn` to its end in the background; the promise settles with how it ended. */
function drain(conn: Connection): Promise<void> {
  const reading = (async () => {
    for await (const _ of conn);
  })();
  reading.catch(() => {});
  return reading;
}

describe('over WebSocket, writes made while others wait for the peer', () => {
  it('a client that does not await fails with ERR_OVERFLOW past writeCapacity; the server goes on', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const idle: Connection[] = [];
    void listener.serve(async (conn) => {
      if (idle.length === 0)
        idle.push(conn); // the first client's server side never reads
      else for await (const message of conn) await conn.write(message);
    });
    const conn = await connect(url(portOf(listener)), { writeCapacity: 512 * 1024 });
    const reading = drain(conn);
    await expectOverflowed(conn, reading, 512 * 1024, await writeUnawaitedUntilRefused(conn, 256 * 1024 * 1024));

    await using other = await connect(url(portOf(listener)));
    await other.write('still here');
    for await (const message of other) {
      expect(new TextDecoder().decode(message)).toBe('still here');
      break;
    }
  });

  it('a server that does not await fails with ERR_OVERFLOW past writeCapacity toward a client that does not read', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, writeCapacity: 256 * 1024 });
    const accepted = listener.accept();
    await using _client = await connect(url(portOf(listener)), { readCapacity: 1024 });
    const conn = (await accepted) as Connection;
    const reading = drain(conn);
    await expectOverflowed(conn, reading, 256 * 1024, await writeUnawaitedUntilRefused(conn, 256 * 1024 * 1024));
  });

  it('never refuses a writer that awaits each message, however much it sends', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    let received = 0;
    let served!: () => void;
    const allRead = new Promise<void>((resolve) => (served = resolve));
    void listener.serve(async (conn) => {
      for await (const message of conn) received += message.byteLength;
      served();
    });
    const conn = await connect(url(portOf(listener)), { writeCapacity: MESSAGE });
    const total = 32 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += MESSAGE) await conn.write(new Uint8Array(MESSAGE));
    await conn.close();
    expect(conn.error).toBeUndefined();
    await allRead;
    expect(received).toBe(total);
  });
});
