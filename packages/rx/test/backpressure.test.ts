import type net from 'node:net';
import { decode, lengthPrefixed } from '@sluice/codec';
import { type PushOverflowPolicy, socket$ } from '@sluice/rx';
import { describe, expect, it } from 'vitest';
import { until } from '../../../test-support/waits.js';
import { nodeServer, sawHangUp } from './support/servers.js';

const BIG = 8 * 1024 * 1024; // far past any socket buffer: the socket is full after it

/** Reads every frame a peer socket receives until its end of stream (resuming it). */
async function framesOf(socket: net.Socket): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  for await (const frame of decode(lengthPrefixed({ maxFrameLength: BIG }))(socket as AsyncIterable<Uint8Array>))
    frames.push(frame);
  return frames;
}

/**
 * Connects a subject to a peer that does not read, fills the socket with one
 * big frame, then sends `count` one-byte frames numbered 1..count while it is
 * full. Returns the peer socket and the subject.
 */
async function fillThenSend(policy: PushOverflowPolicy, capacity: number, count: number) {
  const server = await nodeServer();
  const errors: unknown[] = [];
  const sock = socket$({
    host: '127.0.0.1',
    port: server.port,
    codec: lengthPrefixed({ maxFrameLength: BIG }),
    capacity,
    overflow: policy,
  });
  const subscription = sock.subscribe({ error: (e) => errors.push(e) });
  const peer = await server.nextSocket(); // paused: it reads nothing until resumed
  await until(() => sock.connection !== undefined, 'the subject connecting');
  sock.next(new Uint8Array(BIG));
  for (let i = 1; i <= count; i++) sock.next(Uint8Array.of(i));
  return { server, sock, peer, errors, subscription };
}

const payloads = (frames: Uint8Array[]) => frames.slice(1).map((frame) => frame[0]);

describe('socket$ backpressure', () => {
  it("'drop-newest' keeps the first capacity frames sent while the socket is full", async () => {
    const { server, sock, peer, subscription } = await fillThenSend('drop-newest', 4, 20);
    sock.complete(); // half-closes once the kept frames are written
    const frames = await framesOf(peer);
    expect(frames[0]).toHaveLength(BIG);
    expect(payloads(frames)).toEqual([1, 2, 3, 4]);
    subscription.unsubscribe();
    await server.close();
  });

  it("'drop-oldest' keeps the last capacity frames sent while the socket is full", async () => {
    const { server, sock, peer, subscription } = await fillThenSend('drop-oldest', 4, 20);
    sock.complete();
    const frames = await framesOf(peer);
    expect(frames[0]).toHaveLength(BIG);
    expect(payloads(frames)).toEqual([17, 18, 19, 20]);
    subscription.unsubscribe();
    await server.close();
  });

  it("'error' destroys the connection on the first frame past capacity: subscribers get ERR_OVERFLOW", async () => {
    const { server, peer, errors } = await fillThenSend('error', 4, 5);
    expect(errors).toEqual([expect.objectContaining({ code: 'ERR_OVERFLOW', limit: 4 })]);
    await sawHangUp(peer);
    await server.close();
  });

  it('keeps nothing waiting while the socket accepts data: a burst of small frames goes straight through', async () => {
    const server = await nodeServer();
    const sock = socket$({ host: '127.0.0.1', port: server.port, codec: lengthPrefixed(), capacity: 2 });
    const errors: unknown[] = [];
    sock.subscribe({ error: (e) => errors.push(e) });
    const peer = await server.nextSocket();
    await until(() => sock.connection !== undefined, 'the subject connecting');
    for (let i = 0; i < 100; i++) sock.next(new Uint8Array(64).fill(i)); // 6.8 KB: below the socket's high-water mark
    sock.complete();
    const frames = await framesOf(peer);
    expect(errors).toEqual([]);
    expect(frames.map((frame) => frame[0])).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await server.close();
  });

  it('writes the waiting frames in order as a slow peer drains the socket, then half-closes', async () => {
    const { server, sock, peer, errors, subscription } = await fillThenSend('error', 64, 64);
    sock.complete();
    const frames = await framesOf(peer);
    expect(errors).toEqual([]);
    expect(payloads(frames)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    subscription.unsubscribe();
    await server.close();
  });

  it("applies the policy to frames sent before the connection is up too: 'drop-oldest' keeps the last capacity", async () => {
    const server = await nodeServer();
    const sock = socket$({
      host: '127.0.0.1',
      port: server.port,
      codec: lengthPrefixed(),
      capacity: 2,
      overflow: 'drop-oldest',
    });
    for (let i = 1; i <= 5; i++) sock.next(Uint8Array.of(i));
    const subscription = sock.subscribe();
    sock.complete();
    const frames = await framesOf(await server.nextSocket());
    expect(frames.map((frame) => frame[0])).toEqual([4, 5]);
    subscription.unsubscribe();
    await server.close();
  });
});
