/**
 * Writes nobody awaits cannot grow memory without end: once `writeCapacity`
 * bytes were written while an earlier write waited for a peer that does not
 * read, the connection fails with `ERR_OVERFLOW`, where its reader and its
 * writers wait; the listener and its other connections go on. A writer that
 * awaits each write never meets the bound, however much it writes.
 */
import diagnostics from 'node:diagnostics_channel';
import { once } from 'node:events';
import type net from 'node:net';
import { channels, connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import {
  expectOverflowed,
  readInBackground,
  writeUnawaitedUntilRefused,
} from '../../../test-support/overflowing-writes.js';
import { rawServer } from './support/peers.js';
import { ipc, secure, tcp } from './support/transports.js';

const CHUNK = 64 * 1024;
/** More than loopback's socket buffers take before a write has to wait (a few MiB at most on Linux). */
const KERNEL_BUFFERS = 16 * 1024 * 1024;

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
    const reading = readInBackground(conn);
    // The writes never wait, so the peer cannot read in between: what the
    // kernel takes goes out, then one write waits for the drain, 1 MiB more
    // joins it, and the next fails the connection; not the 64 MiB asked for.
    await expectOverflowed(
      conn,
      reading,
      { capacity: 1024 * 1024, buffers: KERNEL_BUFFERS },
      await writeUnawaitedUntilRefused(conn, CHUNK, 64 * 1024 * 1024),
    );

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
    const shed: { connection: unknown; error: unknown }[] = [];
    const onShed = (message: unknown) => shed.push(message as (typeof shed)[number]);
    diagnostics.subscribe(channels.shed, onShed);
    try {
      const conn = await connect({ ...server.address, writeCapacity: 256 * 1024 });
      await accepted;
      const reading = readInBackground(conn);
      await expectOverflowed(
        conn,
        reading,
        { capacity: 256 * 1024, buffers: KERNEL_BUFFERS },
        await writeUnawaitedUntilRefused(conn, CHUNK, 1024 * 1024 * 1024),
      );
      await conn.closed;
      await expect(conn.write('more')).rejects.toMatchObject({ code: 'ERR_OVERFLOW' });
      expect(shed).toEqual([{ connection: conn, error: conn.error }]); // told to observability as a shed peer
    } finally {
      diagnostics.unsubscribe(channels.shed, onShed);
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
