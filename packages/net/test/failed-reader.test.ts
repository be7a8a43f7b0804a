/**
 * A framed reader that failed keeps failing: every later read rejects with
 * the same error, so a loop that logs and retries never mistakes the failure
 * for the peer finishing. And what a custom decoder returns is checked: a
 * decoder pushes its frames and returns nothing; one that returns its frames
 * (the contract before 0.1.0) or anything else is `ERR_CODEC_CONTRACT`.
 */
import { type Codec, checkDecoded, decode, decodeByChunk, lines } from '@sluice/codec';
import { collect, pipe, take } from '@sluice/core';
import { connect, listen } from '@sluice/net';
import { decodeWith } from '@sluice/rx';
import { firstValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { serverWithRawPeer } from './support/peers.js';

describe('a framed reader that failed', () => {
  it('rejects every later read() with the same error instead of reporting a clean end', async () => {
    await using sides = await serverWithRawPeer();
    const io = sides.conn.framed(lines({ maxFrameLength: 8 }));
    sides.peer.write(`ok\n${'x'.repeat(100)}\n`);
    expect(await io.read()).toBe('ok');
    const failure = await io.read().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    for (let retry = 0; retry < 3; retry++) await expect(io.read()).rejects.toBe(failure);
    await expect(io[Symbol.asyncIterator]().next()).rejects.toBe(failure);
    await expect(io.byChunk()[Symbol.asyncIterator]().next()).rejects.toBe(failure);
    await sides.conn.closed;
    expect(sides.conn.error).toBe(failure);
  });

  it('keeps failing after an error found at the end of the input (a truncated frame)', async () => {
    await using sides = await serverWithRawPeer();
    const io = sides.conn.framed(lines({ allowUnterminated: false }));
    sides.peer.end('whole\nhalf a li');
    expect(await io.read()).toBe('whole');
    const failure = await io.read().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'ERR_TRUNCATED_FRAME' });
    await expect(io.read()).rejects.toBe(failure);
  });

  it('decode() keeps failing too, in memory', async () => {
    const frames = decode(lines({ maxFrameLength: 4 }))([new TextEncoder().encode('ok\ntoo long\n')]);
    expect(await frames.next()).toEqual({ value: 'ok', done: false });
    const failure = await frames.next().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    await expect(frames.next()).rejects.toBe(failure);
  });
});

/** A codec whose decoder returns `output` for every chunk, as a codec of the old contract (or a buggy one) does. */
function returning(output: unknown): Codec<unknown> {
  return {
    name: 'buggy',
    decoder: () => ({ decode: () => output as never, end: () => undefined }),
    encoder: () => ({ encode: (frame) => frame as Uint8Array }),
  };
}

/** What a decoder may not return, and how the message names it. */
const NOT_NOTHING: [string, unknown][] = [
  ['an Array (its frames, as decoders did before 0.1.0)', ['a']],
  ['a number', 3],
  ['a Set', new Set(['a'])],
  ['a string', 'abc'],
  ['null', null],
  ['an object', { 0: 'a', length: 1 }],
];

describe("a custom decoder's output", () => {
  it.each(NOT_NOTHING)(
    'returning %s rejects the read with ERR_CODEC_CONTRACT and closes the connection',
    async (kind, output) => {
      await using sides = await serverWithRawPeer();
      const io = sides.conn.framed(returning(output));
      sides.peer.write('bytes');
      const failure = await io.read().catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'ERR_CODEC_CONTRACT' });
      expect((failure as Error).message).toBe(
        `buggy: the decoder returned ${kind}; a decoder pushes its frames onto the array it is given, decode(chunk, frames) and end(frames), and returns nothing`,
      );
      await sides.conn.closed;
      expect(sides.conn.counters.framesIn).toBe(0);
    },
  );

  it.each(NOT_NOTHING)(
    'returning %s fails decode(), decodeByChunk() and decodeWith() with ERR_CODEC_CONTRACT',
    async (_, output) => {
      const chunk = [new Uint8Array([1])];
      const refused = { code: 'ERR_CODEC_CONTRACT' };
      await expect(decode(returning(output))(chunk).next()).rejects.toMatchObject(refused);
      await expect(decodeByChunk(returning(output))(chunk).next()).rejects.toMatchObject(refused);
      await expect(firstValueFrom(of(...chunk).pipe(decodeWith(returning(output)), toArray()))).rejects.toMatchObject(
        refused,
      );
    },
  );

  it('a decoder that pushes every chunk as a frame gives exactly the chunks, no empty ones', async () => {
    const identity: Codec<Uint8Array> = {
      name: 'raw',
      decoder: () => ({
        decode(chunk, frames) {
          frames.push(chunk);
        },
        end() {},
      }),
      encoder: () => ({ encode: (frame) => frame }),
    };
    const chunks = [new TextEncoder().encode('a'), new TextEncoder().encode('b')];
    const text = (frames: Uint8Array[]) => frames.map((frame) => new TextDecoder().decode(frame));
    // take(10): were empty chunks fed to the decoder, there would be phantom empty frames.
    expect(text(await pipe(chunks, decode(identity), take(10), collect()))).toEqual(['a', 'b']);
    expect(await pipe(chunks, decodeByChunk(identity), take(10), collect())).toHaveLength(2);
    await using sides = await serverWithRawPeer();
    sides.peer.end('hello');
    const frames: Uint8Array[] = [];
    for await (const frame of sides.conn.framed(identity)) frames.push(frame);
    expect(text(frames).join('')).toBe('hello');
    expect(frames.every((frame) => frame.length > 0)).toBe(true);
  });

  it('checkDecoded passes a decoder that returned nothing, or the array it was given', () => {
    const frames = ['a'];
    expect(() => checkDecoded('mine', undefined, frames)).not.toThrow();
    expect(() => checkDecoded('mine', frames, frames)).not.toThrow();
  });

  it('a connection whose decoder misbehaves leaves the others alone', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(
      async (conn) => {
        const io = conn.framed(lines());
        const first = await io.read();
        if (first === 'bad') await conn.framed(returning(7)).read(); // a handler switching to a broken codec
        await io.write(`echo ${first}`);
      },
      { onError: () => {} },
    );
    const ask = async (line: string) => {
      await using conn = await connect(listener.address);
      const io = conn.framed(lines());
      await io.write(line);
      await io.write('more');
      return await io.read().catch((error: { code?: string }) => error.code ?? 'failed');
    };
    const [bad, good] = await Promise.all([ask('bad'), ask('good')]);
    expect(bad === undefined || bad === 'ECONNRESET').toBe(true);
    expect(good).toBe('echo good');
    await listener.close();
    await served;
  });
});

describe('messages name what they were given', () => {
  it('write() of an ArrayBuffer says "got an ArrayBuffer"', async () => {
    await using sides = await serverWithRawPeer();
    await expect(sides.conn.write(new ArrayBuffer(4) as never)).rejects.toThrow(
      'write(): data must be a Uint8Array or a string, got an ArrayBuffer',
    );
    expect(checkDecodedMessage(new Int32Array(1))).toMatch(/^mine: the decoder returned an Int32Array; /);
  });
});

function checkDecodedMessage(output: unknown): string {
  try {
    checkDecoded('mine', output, []);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}
