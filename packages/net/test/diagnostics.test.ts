/**
 * Diagnostics channels and the listener's counters: what an operator sees of
 * many connections, some of them misbehaving, over real loopback sockets.
 */
import diagnostics from 'node:diagnostics_channel';
import { lengthPrefixed, lines } from '@sluice/codec';
import {
  type ConnectionCloseMessage,
  type ConnectionOpenMessage,
  type ConnectionRefusedMessage,
  type ConnectionShedMessage,
  channels,
  connect,
  type FrameErrorMessage,
  listen,
} from '@sluice/net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../test-support/waits.js';
import { portOf, rawClient } from './support/peers.js';
import * as certs from './support/tls.js';

/** Every message published on Sluice's channels while a test runs. */
function record() {
  const seen = {
    open: [] as ConnectionOpenMessage[],
    close: [] as ConnectionCloseMessage[],
    refused: [] as ConnectionRefusedMessage[],
    shed: [] as ConnectionShedMessage[],
    frameError: [] as FrameErrorMessage[],
  };
  const subscriptions = (Object.keys(seen) as (keyof typeof seen)[]).map((key) => {
    const onMessage = (message: unknown) => (seen[key] as unknown[]).push(message);
    diagnostics.subscribe(channels[key], onMessage);
    return () => diagnostics.unsubscribe(channels[key], onMessage);
  });
  stops.push(() => {
    for (const unsubscribe of subscriptions) unsubscribe();
  });
  return seen;
}
const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

const codeOf = (error: unknown) => (error as { code?: string } | undefined)?.code;

describe('diagnostics channels', () => {
  it('a close subscriber reading listener.counters sees that connection closed already', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const snapshots: { open: number; closed: number }[] = [];
    const onClose = (message: unknown) => {
      if ((message as ConnectionCloseMessage).side !== 'server') return;
      const { open, closed } = listener.counters;
      snapshots.push({ open, closed });
    };
    diagnostics.subscribe(channels.close, onClose);
    stops.push(() => diagnostics.unsubscribe(channels.close, onClose));
    const served = listener.serve(async () => {}); // each handler returns at once: the server closes
    for (let i = 1; i <= 3; i++) {
      const conn = await connect(listener.address);
      for await (const _ of conn); // until the server ends its side
      await conn.close();
      await until(() => snapshots.length === i, 'the server side closed');
    }
    expect(snapshots).toEqual([
      { open: 0, closed: 1 },
      { open: 0, closed: 2 },
      { open: 0, closed: 3 },
    ]);
    await listener.close();
    await served;
  });

  it('publishes open and close once for each of many connections, with the side, the error and the counters', async () => {
    const seen = record();
    await using listener = await listen({ host: '127.0.0.1', port: 0, idleTimeout: 5000 });
    const served = listener.serve(async (conn) => {
      const io = conn.framed(lines());
      for await (const line of io) await io.write(line.toUpperCase());
    });
    const CLIENTS = 60;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const conn = await connect(listener.address);
        const io = conn.framed(lines());
        await io.write(`hello ${i}`);
        await io.closeWrite();
        const replies: string[] = [];
        for await (const line of io) replies.push(line);
        expect(replies).toEqual([`HELLO ${i}`]);
        await conn.closed;
      }),
    );
    await until(() => seen.close.length === 2 * CLIENTS, 'a close message for both ends of every connection');
    await listener.close();
    await served;

    expect(seen.open).toHaveLength(2 * CLIENTS);
    expect(seen.open.filter((m) => m.side === 'server')).toHaveLength(CLIENTS);
    expect(seen.open.filter((m) => m.side === 'client')).toHaveLength(CLIENTS);
    expect(new Set(seen.open.map((m) => m.protocol))).toEqual(new Set(['tcp']));
    // Each connection opened once and closed once, gracefully.
    expect(new Set(seen.close.map((m) => m.connection)).size).toBe(2 * CLIENTS);
    expect(new Set(seen.open.map((m) => m.connection))).toEqual(new Set(seen.close.map((m) => m.connection)));
    expect(seen.close.every((m) => m.error === undefined)).toBe(true);
    for (const message of seen.close.filter((m) => m.side === 'server')) {
      expect(message.counters).toMatchObject({ framesIn: 1, framesOut: 1 });
      expect(message.counters.bytesIn).toBeGreaterThanOrEqual('hello 0\n'.length);
    }
    expect(seen.refused).toEqual([]);
    expect(seen.shed).toEqual([]);
    expect(seen.frameError).toEqual([]);
  });

  it('publishes a frame error, a shed peer (idle and frame timeouts), and the close that follows with its code', async () => {
    const seen = record();
    await using listener = await listen({ host: '127.0.0.1', port: 0, idleTimeout: 300, frameTimeout: 400 });
    const served = listener.serve(
      async (conn) => {
        for await (const _ of conn.framed(lengthPrefixed({ maxFrameLength: 16 }))) {
          // reads until a fault ends the connection
        }
      },
      { onError: () => {} },
    );
    // An oversized frame: header announces 1000 bytes against a 16-byte limit.
    const liar = await rawClient(listener);
    liar.write(new Uint8Array([0, 0, 3, 232]));
    // A silent peer: idleTimeout.
    const silent = await rawClient(listener);
    // A dribbler: a 16-byte frame a byte every 50 ms, busy enough to keep idleTimeout away, too slow for frameTimeout.
    const dribbler = await rawClient(listener);
    dribbler.write(new Uint8Array([0, 0, 0, 16]));
    const timer = setInterval(() => dribbler.destroyed || dribbler.write(new Uint8Array([1])), 50);
    try {
      await until(() => seen.close.filter((m) => m.error !== undefined).length === 3, 'three failed connections');
    } finally {
      clearInterval(timer);
    }
    for (const socket of [liar, silent, dribbler]) socket.destroy();

    expect(seen.frameError.map((m) => codeOf(m.error))).toEqual(['ERR_FRAME_TOO_LONG']);
    expect(seen.shed.map((m) => m.error.code).sort()).toEqual(['ERR_FRAME_TIMEOUT', 'ERR_IDLE_TIMEOUT']);
    // Each message names the connection it is about, and the close carries the same error.
    for (const message of [...seen.frameError, ...seen.shed]) {
      const close = seen.close.find((m) => m.connection === message.connection);
      expect(close?.error).toBe(message.error);
    }
    expect(listener.counters).toMatchObject({
      accepted: 3,
      open: 0,
      closed: 3,
      errors: { ERR_FRAME_TOO_LONG: 1, ERR_IDLE_TIMEOUT: 1, ERR_FRAME_TIMEOUT: 1 },
    });
    await listener.close();
    await served;
  });

  it('publishes refusals with their reason: maxConnections, a full accept queue, a failed TLS handshake', async () => {
    const seen = record();
    // maxConnections: 1 held, the next refused by Node ('drop').
    await using full = await listen({ host: '127.0.0.1', port: 0, maxConnections: 1 });
    const held = await rawClient(full);
    await until(() => full.counters.accepted === 1, 'the first connection accepted');
    const dropped = await rawClient(full);
    await until(() => seen.refused.length === 1, 'the refusal past maxConnections');
    expect(seen.refused[0]).toMatchObject({ protocol: 'tcp', reason: 'maxConnections' });
    expect(seen.refused[0]?.remoteAddress).toMatchObject({ host: '127.0.0.1', port: dropped.localPort });

    // acceptCapacity: one waits unaccepted, the next is refused.
    await using queued = await listen({ host: '127.0.0.1', port: 0, acceptCapacity: 1 });
    const waiting = await rawClient(queued);
    await until(() => queued.counters.accepted === 1, 'one connection queued');
    const extra = await rawClient(queued);
    await until(() => seen.refused.length === 2, 'the refusal past acceptCapacity');
    expect(seen.refused[1]).toMatchObject({ protocol: 'tcp', reason: 'acceptCapacity' });
    expect(seen.refused[1]?.remoteAddress).toMatchObject({ port: extra.localPort });

    // A TLS client that never speaks: dropped at handshakeTimeout, published as a handshake refusal.
    await using secure = await listen({ host: '127.0.0.1', port: 0, tls: certs.server, handshakeTimeout: 200 });
    const mute = await rawClient(secure);
    await until(() => seen.refused.length === 3, 'the handshake refusal');
    expect(seen.refused[2]).toMatchObject({ protocol: 'tls', reason: 'handshake' });
    expect(codeOf(seen.refused[2]?.error)).toBe('ERR_TLS_HANDSHAKE');
    expect(secure.counters).toMatchObject({ handshakeFailures: 1, refused: 0, accepted: 0 });

    expect(full.counters).toMatchObject({ accepted: 1, refused: 1, open: 1 });
    expect(queued.counters).toMatchObject({ accepted: 1, refused: 1, open: 1 });
    for (const socket of [held, dropped, waiting, extra, mute]) socket.destroy();
  });
});

describe('listener.counters', () => {
  it('sums bytes and frames over open and closed connections, and counts errors by code', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(
      async (conn) => {
        const io = conn.framed(lines({ maxFrameLength: 100 }));
        for await (const line of io) await io.write(`${line}!`);
      },
      { onError: () => {} },
    );
    const finished = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const conn = await connect(listener.address);
        const io = conn.framed(lines());
        await io.writeAll(['a', 'bb', 'ccc']);
        await io.closeWrite();
        for await (const _ of io) {
          // three replies
        }
        return conn.counters;
      }),
    );
    // One connection still open, mid-conversation.
    const open = await connect(listener.address);
    const openIo = open.framed(lines());
    await openIo.write('dd');
    const reader = openIo[Symbol.asyncIterator]();
    expect((await reader.next()).value).toBe('dd!');
    // One that sends a line over the limit.
    const rude = await rawClient(listener);
    rude.write(`${'x'.repeat(200)}\n`);
    await until(() => listener.counters.closed === 11, 'ten clean closes and one failure');

    const counters = listener.counters;
    const sent = finished.reduce((sum, c) => sum + c.bytesOut, 0) + 3 + 201;
    const received = finished.reduce((sum, c) => sum + c.bytesIn, 0) + 4;
    expect(counters).toMatchObject({
      accepted: 12,
      open: 1,
      closed: 11,
      refused: 0,
      errors: { ERR_FRAME_TOO_LONG: 1 },
      framesIn: 10 * 3 + 1,
      framesOut: 10 * 3 + 1,
      bytesOut: received,
    });
    // The server may not have read all of the rude line before failing on it.
    expect(counters.bytesIn).toBeGreaterThan(sent - 201 + 100);
    expect(counters.bytesIn).toBeLessThanOrEqual(sent);
    // A snapshot is a copy: changing it changes nothing.
    counters.errors.ERR_FRAME_TOO_LONG = 99;
    expect(listener.counters.errors).toEqual({ ERR_FRAME_TOO_LONG: 1 });
    await open.closeWrite();
    await reader.next();
    rude.destroy();
    await listener.close();
    await served;
    expect(listener.counters).toMatchObject({ open: 0, closed: 12, accepted: 12 });
    expect(portOf(listener)).toBeGreaterThan(0);
  });
});
