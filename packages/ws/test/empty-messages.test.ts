/**
 * An empty WebSocket message is a message: `messages()` yields it as an
 * empty frame, binary or text, from a plain `ws` peer and from Sluice, in
 * order with the others; writing an empty frame sends an empty message; and
 * `json()` over `messages()` refuses an empty message with `ERR_DECODE`
 * rather than skipping it.
 */
import { once } from 'node:events';
import { json } from '@sluice/codec';
import { connect, listen, messages } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { within } from '../../../test-support/waits.js';
import { plainClient } from './support/echo.js';

const utf8 = new TextDecoder();
const text = (frames: Uint8Array[]) => frames.map((frame) => utf8.decode(frame));

/** A Sluice WebSocket listener, its accepted connection, and the plain `ws` client on the other end. */
async function withPlainPeer() {
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const accepted = listener.accept();
  const peer = new WebSocket(`ws://127.0.0.1:${listener.port}/`);
  peer.on('error', () => {});
  await once(peer, 'open');
  const conn = (await within(accepted, 5000, 'the connection'))!;
  return {
    peer,
    conn,
    [Symbol.asyncDispose]: async () => {
      peer.terminate();
      conn.destroy();
      await listener.close();
    },
  };
}

describe('empty WebSocket messages', () => {
  it('from a plain ws client, binary and text, each an empty frame in order', async () => {
    await using sides = await withPlainPeer();
    const { peer, conn } = sides;
    for (const [data, binary] of [
      ['a', false],
      ['', true],
      ['', false],
      ['b', true],
      ['', true],
      ['', false],
    ] as const) {
      peer.send(binary ? Buffer.from(data) : data, { binary });
    }
    peer.close();
    const frames: Uint8Array[] = [];
    for await (const frame of conn.framed(messages())) frames.push(frame);
    expect(text(frames)).toEqual(['a', '', '', 'b', '', '']);
  });

  it('Sluice to Sluice, both ways; and to a plain ws client as empty messages', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const accepted = listener.accept();
    await using client = await connect(`ws://127.0.0.1:${listener.port}/`);
    await using server = await within(accepted, 5000, 'the connection');
    const empty = new Uint8Array(0);
    const out = client.framed(messages());
    await out.writeAll([empty, Uint8Array.of(1), empty]);
    const back = server!.framed(messages(), { keepOpen: true });
    const got: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) got.push((await within(back.read(), 5000, 'a message')) as Uint8Array);
    expect(got.map((frame) => [...frame])).toEqual([[], [1], []]);
    await back.writeAll([empty, empty]);
    expect(text([(await out.read()) as Uint8Array, (await out.read()) as Uint8Array])).toEqual(['', '']);

    const plainListener = await listen({ host: '127.0.0.1', port: 0 });
    const plainAccepted = plainListener.accept();
    const plain = await plainClient(`ws://127.0.0.1:${plainListener.port}/`);
    const toPlain = await within(plainAccepted, 5000, 'the connection');
    await toPlain!.framed(messages()).writeAll([empty, Uint8Array.of(2)]);
    expect((await plain.next()).data.length).toBe(0);
    expect([...(await plain.next()).data]).toEqual([2]);
    plain.ws.terminate();
    toPlain!.destroy();
    await plainListener.close();
  });

  it('json() over messages() refuses an empty message with ERR_DECODE', async () => {
    await using sides = await withPlainPeer();
    const { peer, conn } = sides;
    peer.send('{"a":1}');
    peer.send('');
    const io = conn.framed(json({ framing: messages() }));
    expect(await io.read()).toEqual({ a: 1 });
    await expect(io.read()).rejects.toMatchObject({ code: 'ERR_DECODE' });
    peer.terminate();
  });
});
