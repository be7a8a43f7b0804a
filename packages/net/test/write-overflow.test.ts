/**
 * Writes nobody awaits cannot pile up in memory: a connection refuses a write
 * made while more than `writeCapacity` bytes are unsent, and a UDP socket a
 * send made while `sendCapacity` sends are not yet done, with
 * `ERR_WRITE_OVERFLOW`; what was accepted still goes, and the connection or
 * socket carries on. Over real loopback, to a peer that does not read.
 */
import { lines } from '@sluice/codec';
import { isSluiceError } from '@sluice/core';
import { bind, type Connection, connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { within } from './support/peers.js';

/** A listener and a connection to it that reads nothing until `read()`; `await using` closes both. */
async function slowPeer(options: { writeCapacity?: number } = {}) {
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const accepted = listener.accept();
  const conn = await connect({ ...listener.address, ...options } as Parameters<typeof connect>[0]);
  const peer = (await accepted) as Connection;
  return {
    conn,
    /** Reads until `bytes` have arrived; resolves with the count. */
    read: async (bytes: number) => {
      let got = 0;
      for await (const chunk of peer.reader({ keepOpen: true })) if ((got += chunk.byteLength) >= bytes) break;
      return got;
    },
    [Symbol.asyncDispose]: async () => {
      conn.destroy();
      peer.destroy();
      await listener.close();
    },
  };
}

/** Issues `count` writes without awaiting them; tells which were refused (by index), and with what. */
function writeWithoutAwaiting(write: (i: number) => Promise<void>, count: number) {
  const accepted: Promise<void>[] = [];
  const refused: { index: number; error: unknown }[] = [];
  const outcomes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const written = write(i);
    outcomes.push(written.catch((error: unknown) => void refused.push({ index: i, error })));
    accepted.push(written);
  }
  return { refused, settled: Promise.all(outcomes), accepted };
}

describe('writeCapacity', () => {
  it('refuses writes nobody awaits past 4 MiB unsent, sends what it accepted, and carries on', async () => {
    await using pair = await slowPeer();
    const line = 'x'.repeat(1000);
    const COUNT = 20_000; // 20 MB: more than the kernel and 4 MiB can hold
    const { refused, settled } = writeWithoutAwaiting(() => pair.conn.write(line), COUNT);
    await Promise.resolve(); // the refusals are already settled: nothing was queued for them
    expect(refused.length).toBeGreaterThan(0);
    const firstRefused = refused[0]?.index as number;
    // Once over the bound, every later write of the loop is refused (nothing was sent meanwhile).
    expect(refused.map((r) => r.index)).toEqual(
      Array.from({ length: COUNT - firstRefused }, (_, i) => firstRefused + i),
    );
    for (const { error } of refused) expect(isSluiceError(error, 'ERR_WRITE_OVERFLOW')).toBe(true);
    expect((refused[0] as { error: Error }).error.message).toMatch(
      /^write\(\): \d+ bytes written are not yet sent, more than writeCapacity \(4194304\): await each write$/,
    );
    // What was accepted goes, and then the connection writes on.
    const acceptedBytes = firstRefused * line.length;
    const reading = pair.read(acceptedBytes + 5);
    await within(settled, 10_000, 'the accepted writes');
    await pair.conn.write('after');
    expect(await within(reading, 10_000, 'the peer to read')).toBe(acceptedBytes + 5);
  });

  it('takes one large write while below the bound, then refuses the next; a framed writer too', async () => {
    await using pair = await slowPeer({ writeCapacity: 64 * 1024 });
    const big = new Uint8Array(8 * 1024 * 1024); // far over the bound, and more than the kernel takes at once
    const first = pair.conn.write(big);
    const io = pair.conn.framed(lines());
    await expect(io.write('one more')).rejects.toMatchObject({ code: 'ERR_WRITE_OVERFLOW', limit: 64 * 1024 });
    await expect(pair.conn.write('one more')).rejects.toMatchObject({ code: 'ERR_WRITE_OVERFLOW' });
    const reading = pair.read(big.byteLength);
    await within(first, 10_000, 'the large write');
    expect(await within(reading, 10_000, 'the peer to read')).toBe(big.byteLength);
  });

  it('is checked like every option', async () => {
    await expect(connect({ host: '127.0.0.1', port: 1, writeCapacity: 0 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
    await expect(listen({ port: 0, writeCapacity: '1' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
  });
});

describe('sendCapacity (UDP)', () => {
  it('refuses sends nobody awaits past 1024 not yet done, sends the rest, and carries on', async () => {
    await using receiver = await bind({ host: '127.0.0.1', port: 0, capacity: 1 });
    await using sender = await bind({ host: '127.0.0.1', port: 0 });
    const COUNT = 3000;
    const { refused, settled } = writeWithoutAwaiting(() => sender.send('x', receiver.address), COUNT);
    await Promise.resolve();
    expect(refused.map((r) => r.index)).toEqual(Array.from({ length: COUNT - 1024 }, (_, i) => 1024 + i));
    for (const { error } of refused) expect(isSluiceError(error, 'ERR_WRITE_OVERFLOW')).toBe(true);
    expect((refused[0] as { error: Error }).error.message).toBe(
      'send(): 1024 sends are not yet done, the most sendCapacity allows: await each send',
    );
    await within(settled, 10_000, 'the accepted sends');
    await sender.send('after', receiver.address);
  });

  it('takes its bound as an option', async () => {
    await using receiver = await bind({ host: '127.0.0.1', port: 0 });
    await using sender = await bind({ host: '127.0.0.1', port: 0, sendCapacity: 2 });
    const { refused, settled } = writeWithoutAwaiting(() => sender.send('x', receiver.address), 5);
    await settled;
    expect(refused.map((r) => [r.index, (r.error as { limit: number }).limit])).toEqual([
      [2, 2],
      [3, 2],
      [4, 2],
    ]);
    await expect(bind({ sendCapacity: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
  });
});
