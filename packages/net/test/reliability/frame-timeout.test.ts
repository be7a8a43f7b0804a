/**
 * `frameTimeout` sheds a peer that dribbles a frame byte by byte (slowloris),
 * which `idleTimeout` cannot see, and leaves an honest peer that pauses
 * between frames alone.
 */
import { once } from 'node:events';
import { type Codec, lines } from '@sluice/codec';
import { listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { rawClient } from '../support/peers.js';

/** Writes `text` one byte at a time, every `everyMs`, until stopped. */
function dribble(socket: import('node:net').Socket, text: string, everyMs: number): () => void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    socket.write(text[at++ % text.length] as string);
  }, everyMs);
  return () => clearInterval(timer);
}

describe('frameTimeout', () => {
  it('a dribbling peer is cut off with ERR_FRAME_TIMEOUT, although idleTimeout never fires', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, idleTimeout: 1000 });
    const outcome = (async () => {
      const conn = (await listener.accept())!;
      try {
        for await (const _ of conn.framed(lines(), { frameTimeout: 300 })) {
          // no complete line ever arrives
        }
        return 'ended';
      } catch (error) {
        return error;
      } finally {
        expect(conn.destroyed).toBe(true);
      }
    })();
    const peer = await rawClient(listener);
    const stop = dribble(peer, 'never a newline ', 20); // busy enough that idleTimeout stays quiet
    expect(await outcome).toMatchObject({ code: 'ERR_FRAME_TIMEOUT', timeout: 300 });
    stop();
    peer.destroy();
  });

  it('the listener-wide frameTimeout applies to every framed reader of its connections', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, frameTimeout: 200 });
    const peer = await rawClient(listener);
    const stop = dribble(peer, 'xyz', 20);
    const conn = (await listener.accept())!;
    await expect(conn.framed(lines()).read()).rejects.toMatchObject({ code: 'ERR_FRAME_TIMEOUT' });
    stop();
    peer.destroy();
  });

  it('an honest slow peer that pauses between frames is not cut off; the listener-wide default applies', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, frameTimeout: 200 });
    const peer = await rawClient(listener);
    const conn = (await listener.accept())!;
    const io = conn.framed(lines());
    peer.write('first\n');
    expect(await io.read()).toBe('first');
    // A pause between frames, longer than frameTimeout, waited for on the peer's own clock.
    await new Promise((resolve) => setTimeout(resolve, 400));
    peer.end('second\n');
    expect(await io.read()).toBe('second');
    expect(await io.read()).toBeUndefined();
    await conn.close();
    await once(peer, 'close');
  });

  it("a handler busier than frameTimeout is not the peer's delay: the rest of a frame received meanwhile is read", async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, frameTimeout: 200 });
    const peer = await rawClient(listener);
    const conn = (await listener.accept())!;
    const io = conn.framed(lines());
    peer.write('first\nhal'); // a frame, and the start of the next
    expect(await io.read()).toBe('first');
    peer.write('f\n');
    // The rest of 'half' is received (queued, unread) while the handler stays busy past frameTimeout.
    while (conn.counters.bytesIn < 'first\nhalf\n'.length) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await io.read()).toBe('half');
    expect(conn.error).toBeUndefined();
    peer.end();
    expect(await io.read()).toBeUndefined();
  });

  it('applies to a codec whose decoder cannot say what it holds: a chunk that completes no frame begins one', async () => {
    const utf8 = new TextDecoder();
    // Newline-delimited text without remaining(): only what the frame clock needs to know differs.
    const bare: Codec<string> = {
      decoder() {
        let text = '';
        return {
          decode(chunk, frames) {
            text += utf8.decode(chunk);
            const parts = text.split('\n');
            text = parts.pop()!;
            frames.push(...parts);
          },
          end(frames) {
            if (text !== '') frames.push(text);
          },
        };
      },
      encoder: () => ({ encode: (line) => new TextEncoder().encode(`${line}\n`) }),
    };
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const peer = await rawClient(listener);
    const conn = (await listener.accept())!;
    const io = conn.framed(bare, { frameTimeout: 200 });
    peer.write('whole\n');
    expect(await io.read()).toBe('whole');
    const stop = dribble(peer, 'abc', 20);
    await expect(io.read()).rejects.toMatchObject({ code: 'ERR_FRAME_TIMEOUT' });
    expect(conn.destroyed).toBe(true);
    stop();
    peer.destroy();
  });
});
