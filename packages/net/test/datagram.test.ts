import { bind } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { handlesSettleTo, socketHandles } from '../../../test-support/handles.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('bind (UDP)', () => {
  it('receives datagrams with their sender and answers with send()', async () => {
    await using server = await bind({ host: '127.0.0.1', port: 0 });
    await using client = await bind({ host: '127.0.0.1', port: 0 });
    const echoed = (async () => {
      for await (const { data, address } of server) {
        await server.send(new TextEncoder().encode(text(data).toUpperCase()), address);
        if (text(data) === 'last') break;
      }
    })();
    const replies: string[] = [];
    const listening = (async () => {
      for await (const { data, address } of client) {
        expect(address).toMatchObject({ host: '127.0.0.1', port: server.address.port, family: 'IPv4' });
        replies.push(text(data));
        if (replies.length === 3) break;
      }
    })();
    for (const word of ['one', 'two', 'last']) await client.send(word, server.address);
    await Promise.all([echoed, listening]);
    expect(replies).toEqual(['ONE', 'TWO', 'LAST']);
  });

  it('bounds the receive queue, counting what it drops instead of buffering without limit', async () => {
    await using receiver = await bind({ host: '127.0.0.1', port: 0, capacity: 4 });
    await using sender = await bind({ host: '127.0.0.1', port: 0 });
    for (let i = 0; i < 50; i++) await sender.send(`d${i}`, receiver.address);
    // Wait, turn by turn of the event loop, until every datagram is either queued or dropped.
    const deadline = Date.now() + 5000;
    while (receiver.dropped < 46 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(receiver.dropped).toBe(46);
    // 'drop-newest': the queue kept the first four.
    const kept: string[] = [];
    for await (const { data } of receiver) {
      kept.push(text(data));
      if (kept.length === 4) break;
    }
    expect(kept).toEqual(['d0', 'd1', 'd2', 'd3']);
  });

  it('bounds sends nobody awaits by sendCapacity, refusing the one past it and keeping the socket open', async () => {
    await using receiver = await bind({ host: '127.0.0.1', port: 0 });
    await using sender = await bind({ host: '127.0.0.1', port: 0, sendCapacity: 64 * 1024 });
    const datagram = new Uint8Array(1024);
    // The OS takes a send only after this loop lets the event loop turn: all wait together.
    const sends = Array.from({ length: 100 }, () => sender.send(datagram, receiver.address));
    const outcomes = await Promise.allSettled(sends);
    const refused = outcomes.map((outcome) => outcome.status === 'rejected');
    expect(refused.indexOf(true)).toBe(64); // 64 datagrams of 1 KiB fill 64 KiB
    expect(refused.slice(64).every(Boolean)).toBe(true);
    expect((outcomes[64] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_OVERFLOW', limit: 64 * 1024 });
    // Awaited, the next send goes out, and it arrives.
    await sender.send('after', receiver.address);
    let last = '';
    for await (const { data } of receiver) {
      last = text(data);
      if (last === 'after') break;
    }
    expect(last).toBe('after');
  });

  it('sends a datagram larger than sendCapacity when no other send waits', async () => {
    await using receiver = await bind({ host: '127.0.0.1', port: 0 });
    await using sender = await bind({ host: '127.0.0.1', port: 0, sendCapacity: 100 });
    await sender.send(new Uint8Array(1024).fill(7), receiver.address);
    for await (const { data } of receiver) {
      expect(data).toHaveLength(1024);
      break;
    }
  });

  it('refuses a sendCapacity that is not a whole number of bytes', async () => {
    await expect(bind({ sendCapacity: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(bind({ sendCapacity: '64k' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(bind({ sendCapcity: 1 } as never)).rejects.toThrow(/did you mean "sendCapacity"/);
  });

  it('leaving the loop closes the socket', async () => {
    const before = socketHandles();
    const socket = await bind({ host: '127.0.0.1', port: 0 });
    const sender = await bind({ host: '127.0.0.1', port: 0 });
    await sender.send('x', socket.address);
    for await (const _ of socket) break;
    await sender.close();
    expect(await handlesSettleTo(before)).toBe(before);
  });
});
