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

describe('retention', () => {
  it('after every frame of a chunk is read, nothing keeps the chunk alive (even with a frame unfinished)', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const accepted = listener.accept();
    const peer = await rawClient(listener);
    const conn = (await accepted)!;
    // 500 frames of 64 bytes, then the start of one more whose rest never comes.
    const frames = Buffer.alloc(500 * 68, 7);
    for (let i = 0; i < 500; i++) frames.writeUInt32BE(64, i * 68);
    peer.write(Buffer.concat([frames, Buffer.from([0, 0, 0, 64, 1, 2, 3])]));
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
});
