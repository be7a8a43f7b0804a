/**
 * A framed reader that has handed out every frame of a chunk lets go of the
 * chunk, over the in-memory transport: an idle connection costs little,
 * whatever it last received. Measured with `WeakRef`s to the buffers the
 * frames are views of, after a full garbage collection.
 */
import { lengthPrefixed } from '@sluice/codec';
import type { Framed } from '@sluice/connection';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from './support/gc.js';
import { connectedPair, turn } from './support/pair.js';

const FRAMES = 500;

/** 500 frames of 64 bytes in one chunk, then (if `unfinished`) the start of one more whose rest never comes. */
function oneChunk(unfinished: boolean): Uint8Array {
  const bytes = new Uint8Array(FRAMES * 68 + (unfinished ? 7 : 0)).fill(7);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < FRAMES; i++) view.setUint32(i * 68, 64);
  if (unfinished) bytes.set([0, 0, 0, 64, 1, 2, 3], FRAMES * 68);
  return bytes;
}

/**
 * Reads every frame, in a function of its own so that no stale register of
 * the caller holds one, and returns weak references to the buffers they are
 * views of (the chunks received).
 */
async function readAll(io: Framed<Uint8Array>, how: 'read' | 'iterator'): Promise<WeakRef<ArrayBufferLike>[]> {
  const buffers = new Set<ArrayBufferLike>();
  const iterator = io[Symbol.asyncIterator]();
  for (let read = 0; read < FRAMES; read++) {
    const frame = how === 'read' ? await io.read() : (await iterator.next()).value;
    buffers.add((frame as Uint8Array).buffer);
  }
  return [...buffers].map((buffer) => new WeakRef(buffer));
}

describe('retention', () => {
  for (const how of ['read', 'iterator'] as const) {
    for (const unfinished of [false, true]) {
      it(`after every frame of a chunk is read (${how}${unfinished ? ', a frame unfinished' : ''}), nothing keeps the chunk alive`, async () => {
        await using pair = connectedPair();
        void pair.peer.write(oneChunk(unfinished));
        const io = pair.conn.framed(lengthPrefixed(), { keepOpen: true });
        const refs = await readAll(io, how);
        expect(refs.length).toBeGreaterThan(0);
        expect(pair.conn.counters.framesIn).toBe(FRAMES);
        await turn(); // WeakRef targets stay alive until the job ends
        collectGarbage();
        expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
      });
    }
  }
});
