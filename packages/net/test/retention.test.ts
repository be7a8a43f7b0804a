/**
 * A framed reader that has handed out every frame of a chunk lets go of the
 * chunk, and what a decoder keeps of an unfinished frame is a copy, not a
 * view of the whole socket read: an idle connection costs little, whatever it
 * last received.
 */
import { lengthPrefixed } from '@sluice/codec';
import { listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from './support/memory.js';
import { rawClient } from './support/peers.js';

/** 500 length-prefixed frames of 64 bytes. */
function fiveHundredFrames(): Buffer {
  const frames = Buffer.alloc(500 * 68, 7);
  for (let i = 0; i < 500; i++) frames.writeUInt32BE(64, i * 68);
  return frames;
}

/** A listener, a raw peer connected to it, and the connection it accepted. */
async function acceptedFromRawPeer() {
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const accepted = listener.accept();
  const peer = await rawClient(listener);
  return { listener, peer, conn: (await accepted)! };
}

describe('retention', () => {
  it('after every frame of a chunk is read, nothing keeps the chunk alive (even with a frame unfinished)', async () => {
    const { listener, peer, conn } = await acceptedFromRawPeer();
    await using _ = listener;
    // 500 frames of 64 bytes, then the start of one more whose rest never comes.
    peer.write(Buffer.concat([fiveHundredFrames(), Buffer.from([0, 0, 0, 64, 1, 2, 3])]));
    const iterator = conn.framed(lengthPrefixed())[Symbol.asyncIterator]();
    // Read in a function of its own, so that no stale register of this one holds a frame.
    const readAll = async (): Promise<WeakRef<ArrayBufferLike>[]> => {
      const buffers = new Set<ArrayBufferLike>();
      for (let read = 0; read < 500; read++) {
        const { value } = await iterator.next();
        buffers.add((value as Uint8Array).buffer); // frames are views into the chunks received
      }
      return [...buffers].map((buffer) => new WeakRef(buffer));
    };
    const refs = await readAll();
    await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets stay alive until the job ends
    collectGarbage();
    expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    peer.destroy();
    conn.destroy();
  });

  it('byChunk({ reuse: true }): a loop waiting for its next chunk holds none of the last one', async () => {
    const { listener, peer, conn } = await acceptedFromRawPeer();
    await using _ = listener;
    peer.write(fiveHundredFrames());
    const refs: WeakRef<ArrayBufferLike>[] = [];
    let read = 0;
    let arrays = 0;
    let last: Uint8Array[] | undefined;
    let allRead: () => void = () => {};
    const whenAllRead = new Promise<void>((resolve) => (allRead = resolve));
    // Each frame handled in a function of its own: an inline `for (const frame of batch)` would keep the last
    // frame (and its chunk) in the suspended loop's variables, which is the handler's, not Sluice's.
    const handle = (batch: Uint8Array[]) => {
      for (const frame of batch) if (refs.at(-1)?.deref() !== frame.buffer) refs.push(new WeakRef(frame.buffer));
      read += batch.length;
      if (read === 500) allRead();
    };
    // The loop as a handler writes it: its variable holds the array while it waits for the next chunk.
    const loop = (async () => {
      for await (const batch of conn.framed(lengthPrefixed()).byChunk({ reuse: true })) {
        if (batch !== last) arrays++;
        last = batch;
        handle(batch);
      }
    })();
    await whenAllRead;
    await new Promise((resolve) => setImmediate(resolve)); // the loop is waiting; WeakRef targets live until the job ends
    collectGarbage();
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    expect(arrays).toBe(1); // one array, reused
    expect(last).toEqual([]); // emptied while the loop waits
    peer.end();
    await loop;
  });
});
