/**
 * Over WebSocket as over TCP: messages written while earlier ones wait for
 * the peer may hold `writeCapacity` bytes, then the connection fails with
 * `ERR_OVERFLOW` where its reader and writers wait, on the client and on the
 * server; the listener goes on. A writer that awaits each write never meets
 * the bound.
 */
import type { Connection } from '@sluice/connection';
import { connect, listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import {
  expectOverflowed,
  readInBackground,
  writeUnawaitedUntilRefused,
} from '../../../test-support/overflowing-writes.js';
import { url } from './support/echo.js';

const MESSAGE = 64 * 1024;
/** More than the socket buffers and `ws`'s first queued messages take before a write has to wait. */
const SOCKET_BUFFERS = 16 * 1024 * 1024;

describe('over WebSocket, writes made while others wait for the peer', () => {
  it('a client that does not await fails with ERR_OVERFLOW past writeCapacity; the server goes on', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const idle: Connection[] = [];
    void listener.serve(async (conn) => {
      if (idle.length === 0)
        idle.push(conn); // the first client's server side never reads
      else for await (const message of conn) await conn.write(message);
    });
    const conn = await connect(url(listener.port), { writeCapacity: 512 * 1024 });
    const reading = readInBackground(conn);
    await expectOverflowed(
      conn,
      reading,
      { capacity: 512 * 1024, buffers: SOCKET_BUFFERS },
      await writeUnawaitedUntilRefused(conn, MESSAGE, 256 * 1024 * 1024),
    );

    await using other = await connect(url(listener.port));
    await other.write('still here');
    for await (const message of other) {
      expect(new TextDecoder().decode(message)).toBe('still here');
      break;
    }
  });

  it('a server that does not await fails with ERR_OVERFLOW past writeCapacity toward a client that does not read', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, writeCapacity: 256 * 1024 });
    const accepted = listener.accept();
    await using _client = await connect(url(listener.port), { readCapacity: 1024 });
    const conn = (await accepted) as Connection;
    const reading = readInBackground(conn);
    await expectOverflowed(
      conn,
      reading,
      { capacity: 256 * 1024, buffers: SOCKET_BUFFERS },
      await writeUnawaitedUntilRefused(conn, MESSAGE, 256 * 1024 * 1024),
    );
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
    const conn = await connect(url(listener.port), { writeCapacity: MESSAGE });
    const total = 32 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += MESSAGE) await conn.write(new Uint8Array(MESSAGE));
    await conn.close();
    expect(conn.error).toBeUndefined();
    await allRead;
    expect(received).toBe(total);
  });
});
