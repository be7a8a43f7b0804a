/**
 * `takeNow`: a framed reader hands out the frames already at hand without a
 * promise each, and `observe()` uses it to emit a chunk's frames in one go.
 * Nothing is lost or reordered by mixing it with `next()`, and errors still
 * arrive where the caller waits.
 */
import { lengthPrefixed, lines } from '@sluice/codec';
import { takeNow } from '@sluice/core';
import { connect, listen } from '@sluice/net';
import { observe } from '@sluice/rx';
import { describe, expect, it } from 'vitest';
import { serverWithRawPeer } from './support/peers.js';

describe('takeNow', () => {
  it('hands out frames at hand synchronously, leaves the rest to next(), and says when it would wait', async () => {
    await using sides = await serverWithRawPeer();
    const iterator = sides.conn.framed(lines())[Symbol.asyncIterator]();
    expect(iterator[takeNow]()).toBeUndefined(); // nothing received yet
    sides.peer.write('a\nb\nc\nd\n');
    expect(await iterator.next()).toEqual({ value: 'a', done: false });
    // The rest of that chunk (if it came as one; otherwise as much as arrived) is at hand now.
    const now: string[] = [];
    for (let result = iterator[takeNow](); result !== undefined; result = iterator[takeNow]()) {
      now.push(result.value as string);
      if (now.length === 1) break; // take one, leave the others to next()
    }
    const rest: string[] = [];
    while (now.length + rest.length < 3) rest.push((await iterator.next()).value as string);
    expect([...now, ...rest]).toEqual(['b', 'c', 'd']);
    expect(iterator[takeNow]()).toBeUndefined();
  });

  it('a decode error met by takeNow is not lost: the next() rejects with it', async () => {
    await using sides = await serverWithRawPeer();
    const iterator = sides.conn.framed(lengthPrefixed({ maxFrameLength: 4 }))[Symbol.asyncIterator]();
    // One good frame, then a header announcing 1000 bytes: in one write, usually one chunk.
    sides.peer.write(new Uint8Array([0, 0, 0, 1, 7, 0, 0, 3, 232]));
    expect((await iterator.next()).value).toEqual(new Uint8Array([7]));
    expect(iterator[takeNow]()).toBeUndefined();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    expect(sides.conn.destroyed).toBe(true);
  });

  it('observe() emits the frames of a chunk in one go, in order, and all of them', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const accepted = listener.accept();
    const client = await connect(listener.address);
    const conn = (await accepted)!;
    const total = 5000;
    const text = Array.from({ length: total }, (_, i) => `${i}\n`).join('');
    void client.write(text).then(() => client.closeWrite());
    let burst = 0;
    let longestBurst = 0;
    const seen: number[] = [];
    await new Promise<void>((resolve, reject) =>
      observe(conn.framed(lines())).subscribe({
        next: (line) => {
          // Counts frames emitted before any microtask could run: one burst per chunk.
          if (burst++ === 0) queueMicrotask(() => (burst = 0));
          longestBurst = Math.max(longestBurst, burst);
          seen.push(Number(line));
        },
        error: reject,
        complete: resolve,
      }),
    );
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(longestBurst).toBeGreaterThan(100); // 5000 short lines arrive in a few chunks
    await Promise.all([conn.close(), client.close()]);
  });
});
