/**
 * Writes nobody awaits cannot grow memory without end: once `writeCapacity`
 * bytes were written while an earlier write waited for a peer that does not
 * read, the connection fails with `ERR_OVERFLOW`, where its reader and its
 * writers wait; the listener and its other connections go on. A writer that
 * awaits each write never meets the bound, however much it writes.
 */
import { once } from 'node:events';
import type net from 'node:net';
import { OverflowError } from '@sluice/core';
import { type Connection, connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { rawServer } from './support/peers.js';
import { ipc, secure, tcp } from './support/transports.js';

const CHUNK = 64 * 1024;
/** More than loopback's socket buffers take before a write has to wait (a few MiB at most on Linux). */
const KERNEL_BUFFERS = 16 * 1024 * 1024;

/**
 * Writes `CHUNK`s without awaiting them until the connection fails, or `limit`
 * bytes; returns every outcome and the bytes handed over before the write
 * that failed it (the last one).
 */
async function writeUnawaitedUntilRefused(conn: Connection, limit: number) {
  const chunk = new Uint8Array(CHUNK);
  const writes: Promise<void>[] = [];
  for (let written = 0; written <= limit && !conn.destroyed; written += CHUNK) {
    const write = conn.write(chunk);
    write.catch(() => {});
    writes.push(write);
  }
  const outcomes = await Promise.allSettled(writes);
  return { outcomes, handed: (writes.length - 1) * CHUNK };
}

/**
 * Expects the last write to have failed `conn` with ERR_OVERFLOW after more
 * than `capacity` bytes (and less than the socket buffers more), every write
 * still waiting then and the reader to have been told the same error.
 */
async function expectOverflowed(
  conn: Connection,
  reading: Promise<void>,
  capacity: number,
  written: Awaited<ReturnType<typeof writeUnawaitedUntilRefused>>,
) {
  const { outcomes, handed } = written;
  expect(handed).toBeGreaterThanOrEqual(capacity);
  expect(handed).toBeLessThan(capacity + KERNEL_BUFFERS);
  const error = (outcomes.at(-1) as PromiseRejectedResult).reason;
  expect(error).toBeInstanceOf(OverflowError);
  expect(error).toMatchObject({ code: 'ERR_OVERFLOW', limit: capacity });
  expect(String(error.message)).toMatch(/^write\(\): over \d+ bytes \(writeCapacity\)/);
  const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
  expect(failed.length).toBeGreaterThan(1); // the waiting writers too
  for (const outcome of failed) expect(outcome.reason).toBe(error);
  await expect(reading).rejects.toBe(error);
  await conn.closed;
  expect(conn.error).toBe(error);
}

/** Reads `conn` to its end in the background; the promise settles with how it ended. */
function drain(conn: Connection): Promise<void> {
  const reading = (async () => {
    for await (const _ of conn);
  })();
  reading.catch(() => {});
  return reading;
}

describe.each([tcp, ipc, secure])('over $name, writes made while others wait for the peer', (transport) => {
  it('fail the connection with ERR_OVERFLOW once they pass writeCapacity; the listener goes on', async () => {
    await using listener = await listen(transport.listenOptions());
    void listener.serve(
      async (io) => {
        for await (const chunk of io) await io.write(chunk);
      },
      { onError: () => {} },
    ); // the first client's echo fails with EPIPE once it is gone: expected here
    const conn = await connect({ ...transport.connectOptions(listener), writeCapacity: 1024 * 1024 });
    const reading = drain(conn);
    // The writes never wait, so the peer cannot read in between: what the
    // kernel takes goes out, then one write waits for the drain, 1 MiB more
    // joins it, and the next fails the connection; not the 64 MiB asked for.
    await expectOverflowed(conn, reading, 1024 * 1024, await writeUnawaitedUntilRefused(conn, 64 * 1024 * 1024));

    // The listener serves a new client as before.
    await using other = await connect(transport.connectOptions(listener));
    await other.write('still here');
    for await (const chunk of other) {
      expect(new TextDecoder().decode(chunk)).toBe('still here'); // 10 bytes come as one chunk over loopback
      break;
    }
  });
});

/** A raw server whose sockets never read until told to; resolves its first socket. */
async function stalledPeer() {
  let first!: (socket: net.Socket) => void;
  const accepted = new Promise<net.Socket>((resolve) => (first = resolve));
  const server = await rawServer((socket) => {
    socket.pause();
    first(socket);
  });
  return { server, accepted };
}

describe('writeCapacity and a peer that does not read', () => {
  it('bounds the bytes a writer with no awaits hands to the socket, then refuses every later write', async () => {
    const { server, accepted } = await stalledPeer();
    try {
      const conn = await connect({ ...server.address, writeCapacity: 256 * 1024 });
      await accepted;
      const reading = drain(conn);
      await expectOverflowed(conn, reading, 256 * 1024, await writeUnawaitedUntilRefused(conn, 1024 * 1024 * 1024));
      await conn.closed;
      await expect(conn.write('more')).rejects.toMatchObject({ code: 'ERR_OVERFLOW' });
    } finally {
      await server.close();
    }
  });

  it('never refuses a writer that awaits each write, nor one write far larger than the bound', async () => {
    const { server, accepted } = await stalledPeer();
    try {
      const conn = await connect({ ...server.address, writeCapacity: 64 * 1024 });
      const peer = await accepted;
      let received = 0;
      peer.on('data', (chunk: Buffer) => (received += chunk.length));
      const total = 32 * 1024 * 1024;
      const writing = (async () => {
        await conn.write(new Uint8Array(4 * 1024 * 1024)); // one write, 64 times the bound
        for (let sent = 4 * 1024 * 1024; sent < total; sent += CHUNK) await conn.write(new Uint8Array(CHUNK));
        await conn.closeWrite();
      })();
      peer.resume(); // the peer starts reading only now
      await writing;
      if (!peer.readableEnded) await once(peer, 'end');
      expect(received).toBe(total);
      expect(conn.error).toBeUndefined();
      conn.destroy();
    } finally {
      await server.close();
    }
  });

  it('is checked like every option: a whole number of bytes, or Infinity', async () => {
    await expect(connect({ host: '127.0.0.1', port: 1, writeCapacity: 0 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
    await expect(connect({ host: '127.0.0.1', port: 1, writeCapacity: '1mb' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
    });
    await expect(connect({ host: '127.0.0.1', port: 1, writeCapcity: 1024 } as never)).rejects.toThrow(
      /did you mean "writeCapacity"/,
    );
  });
});
