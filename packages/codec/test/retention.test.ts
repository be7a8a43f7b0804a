/**
 * What a decoder keeps of an unfinished frame is its own small copy, not a
 * view of the (often 64 KiB) chunk it arrived in, which would stay alive for
 * as long as the peer takes to send the rest.
 */
import { lengthPrefixed, lines } from '@sluice/codec';
import { describe, expect, it } from 'vitest';
import { decodeChunk } from '../../../test-support/chunking.js';

/** A 64 KiB Node `Buffer` (whose `slice()` is a view: the trap) of `whole`, blank lines, then `tail`. */
function bigChunk(whole: Uint8Array, tail: Uint8Array): Buffer {
  return Buffer.concat([whole, Buffer.alloc(64 * 1024 - whole.length - tail.length, 10), tail]);
}

describe('what a decoder holds between chunks', () => {
  it('lengthPrefixed: the header and first bytes of an unfinished frame are copies', () => {
    const decoder = lengthPrefixed().decoder();
    const frames = Buffer.alloc(64 * 1024 - 7);
    // Length-prefixed frames filling the chunk: one frame of everything but its own header.
    frames.writeUInt32BE(frames.length - 4, 0);
    const chunk = Buffer.concat([frames, Buffer.from([0, 0, 0, 64, 1, 2, 3])]);
    expect(decodeChunk(decoder, chunk)).toHaveLength(1);
    const held = decoder.remaining?.() ?? [];
    expect(Buffer.concat(held)).toEqual(Buffer.from([0, 0, 0, 64, 1, 2, 3]));
    for (const bytes of held) expect(bytes.buffer.byteLength).toBeLessThan(64);
  });

  it('lines: the start of an unfinished line is a copy', () => {
    const decoder = lines().decoder();
    const chunk = bigChunk(Buffer.from('a whole line\n'), Buffer.from('\nthe start of another'));
    expect(decodeChunk(decoder, chunk).length).toBeGreaterThan(0);
    const held = decoder.remaining?.() ?? [];
    expect(Buffer.concat(held).toString()).toBe('the start of another');
    for (const bytes of held) expect(bytes.buffer.byteLength).toBeLessThan(64);
  });
});
