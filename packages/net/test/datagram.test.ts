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
