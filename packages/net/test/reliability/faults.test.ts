/**
 * Hostile and broken peers over real loopback sockets, in both directions: a
 * plain `node:net` peer misbehaves against a Sluice server or client. Each
 * fault must reach the code waiting on that connection as a coded error, close
 * that connection, and leave the listener and every other connection working.
 */

import { type Codec, json, lengthPrefixed, lines, text } from '@sluice/codec';
import { connect } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { bytes, concatBytes, decodeAll, encodeAll } from '../../../../test-support/chunking.js';
import { checkHandlesReleased } from '../../../../test-support/handles.js';
import { received } from '../../../../test-support/raw-sockets.js';
import { echoServer, session } from '../support/echo.js';
import { rawClient, rawServer, writeBytewise } from '../support/peers.js';

const lp = lengthPrefixed();
/** Byte frames as hex, so that Buffers and Uint8Arrays compare by content. */
const hex = (frames: unknown[]) => frames.map((frame) => Buffer.from(frame as Uint8Array).toString('hex'));
checkHandlesReleased(); // after every fault, every socket and server handle is released

describe('a peer that resets mid-frame', () => {
  it('the server handler gets ECONNRESET, not a truncation or generic error, and other connections carry on', async () => {
    const server = await echoServer(lp);
    const other = await session(server.listener, lp);
    const raw = await rawClient(server.listener);
    const outcome = received(raw);
    // A whole frame, then half of the next: once the whole one is echoed, the server is mid-frame.
    raw.write(concatBytes([encodeAll(lp, [bytes('whole')]), encodeAll(lp, [new Uint8Array(1000)]).subarray(0, 500)]));
    await new Promise<void>((resolve) => raw.once('data', () => resolve()));
    raw.resetAndDestroy();
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect((await outcome).bytes).toEqual(Buffer.from(encodeAll(lp, [bytes('whole')])));
    expect(await other.roundTrip(bytes('still here'))).toEqual(bytes('still here'));
    await other.finish();
    await server.stop();
  });

  it('a Sluice client reading frames gets ECONNRESET when the server resets mid-frame', async () => {
    const server = await rawServer((socket) => {
      socket.write(concatBytes([encodeAll(lp, [bytes('one')]), encodeAll(lp, [new Uint8Array(100)]).subarray(0, 30)]));
      socket.once('data', () => socket.resetAndDestroy());
    });
    const conn = await connect(server.address);
    const io = conn.framed(lp);
    const frames: Uint8Array[] = [];
    await conn.write('go');
    await expect(
      (async () => {
        for await (const frame of io) frames.push(frame);
      })(),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(frames.length).toBeLessThanOrEqual(1);
    expect(conn.destroyed).toBe(true);
    await server.close();
  });
});

describe('a peer that ends mid-frame', () => {
  it('the server gets every whole frame, then ERR_TRUNCATED_FRAME saying how much was cut; the listener carries on', async () => {
    const server = await echoServer(lp);
    const raw = await rawClient(server.listener);
    const outcome = received(raw);
    const whole = [bytes('a'), bytes('bb'), new Uint8Array(3000).fill(7)];
    raw.end(concatBytes([encodeAll(lp, whole), encodeAll(lp, [new Uint8Array(50)]).subarray(0, 20)]));
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_TRUNCATED_FRAME', buffered: 20 });
    expect(hex(decodeAll(lp, [(await outcome).bytes]))).toEqual(hex(whole));
    const after = await session(server.listener, lp);
    expect(await after.roundTrip(bytes('next'))).toEqual(bytes('next'));
    await after.finish();
    await server.stop();
  });

  it('a Sluice client gets the whole lines, then ERR_TRUNCATED_FRAME (strict) or the unterminated line (default)', async () => {
    const server = await rawServer((socket) => socket.end('one\ntwo\r\nthree\npartial'));
    const strict = (await connect(server.address)).framed(lines({ allowUnterminated: false }));
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const line of strict) got.push(line);
      })(),
    ).rejects.toMatchObject({ code: 'ERR_TRUNCATED_FRAME', buffered: 7 });
    expect(got).toEqual(['one', 'two', 'three']);
    const lenient = (await connect(server.address)).framed(lines());
    const all: string[] = [];
    for await (const line of lenient) all.push(line);
    expect(all).toEqual(['one', 'two', 'three', 'partial']);
    await lenient.close();
    await server.close();
  });
});

/** Frames of several codecs, with characters and headers that a one-byte split cuts in half. */
const dribbled: { name: string; codec: Codec<unknown>; frames: unknown[]; compare?: (got: unknown[]) => unknown }[] = [
  {
    name: 'lengthPrefixed varint',
    codec: lengthPrefixed({ width: 'varint' }) as Codec<unknown>,
    frames: [0, 1, 127, 128, 300, 2000].map((n) => Uint8Array.from({ length: n }, (_, i) => i * 7)),
    compare: hex,
  },
  { name: 'lines (CRLF, UTF-8)', codec: lines() as Codec<unknown>, frames: ['héllo', 'wörld 😀', '', ' last ☃'] },
  { name: 'json', codec: json() as Codec<unknown>, frames: [{ a: 1 }, [1, 2, { b: 'ü€😀' }], 'str', null, 12.5] },
  {
    name: 'text',
    codec: text() as Codec<unknown>,
    frames: ['naïve café 😀 — ☃ '.repeat(20)],
    compare: (got) => [got.join('')],
  },
];

describe('a peer that sends one byte at a time', () => {
  for (const { name, codec, frames, compare = (got: unknown[]): unknown => got } of dribbled) {
    it(`${name}: the server and a client both get the exact frames`, async () => {
      // Into a Sluice server, which echoes each frame.
      const server = await echoServer(codec);
      const raw = await rawClient(server.listener, { allowHalfOpen: true });
      const outcome = received(raw);
      await writeBytewise(raw, encodeAll(codec, frames));
      raw.end();
      const echoed = await outcome;
      expect(echoed.outcome).toBe('end');
      expect(compare(decodeAll(codec, [echoed.bytes]))).toEqual(compare(frames));
      expect(server.errors.errors).toEqual([]);
      await server.stop();
      // Into a Sluice client.
      const peer = await rawServer(
        (socket) => void writeBytewise(socket, encodeAll(codec, frames)).then(() => socket.end()),
      );
      const io = (await connect(peer.address)).framed(codec);
      const got: unknown[] = [];
      for await (const frame of io) got.push(frame);
      expect(compare(got)).toEqual(compare(frames));
      await io.close();
      await peer.close();
    });
  }
});

describe('a peer that announces an oversized frame', () => {
  it('is refused with ERR_FRAME_TOO_LONG on the header alone and closed; the listener and others carry on', async () => {
    const limited = lengthPrefixed({ maxFrameLength: 1024 * 1024 });
    const server = await echoServer(limited);
    const other = await session(server.listener, limited);
    const raw = await rawClient(server.listener);
    const outcome = received(raw);
    raw.write(Uint8Array.of(0x7f, 0xff, 0xff, 0xff)); // 2 GiB announced, nothing else sent
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_FRAME_TOO_LONG', size: 0x7fff_ffff, limit: 1024 * 1024 });
    expect((await outcome).bytes.length).toBe(0); // closed, without waiting for a payload
    expect(server.failed[0]?.destroyed).toBe(true);
    expect(await other.roundTrip(bytes('carry on'))).toEqual(bytes('carry on'));
    // A Sluice writer refuses to send what the receiver would refuse, and its connection stays usable.
    await expect(other.io.write(new Uint8Array(1024 * 1024 + 1))).rejects.toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    expect(await other.roundTrip(bytes('still fine'))).toEqual(bytes('still fine'));
    await other.finish();
    expect(server.listener.counters).toMatchObject({ accepted: 2, refused: 0 });
    await server.stop();
  });

  it('an endless line fails as soon as it passes maxFrameLength, having read little more than the limit', async () => {
    const server = await echoServer(lines());
    const raw = await rawClient(server.listener);
    const outcome = received(raw);
    raw.write(new Uint8Array(8 * 1024 * 1024).fill(0x61)); // 8 MiB without a newline
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_FRAME_TOO_LONG', limit: 64 * 1024 });
    // 64 KiB limit, plus at most the readCapacity and one chunk in flight.
    expect(server.failed[0]!.counters.bytesIn).toBeLessThanOrEqual(64 * 1024 + 2 * 64 * 1024 + 64 * 1024);
    expect(['ECONNRESET', 'EPIPE', 'end']).toContain((await outcome).outcome);
    await server.stop();
  });
});

describe('a peer that sends malformed content', () => {
  it('invalid JSON: the values before it are served, then ERR_DECODE with the parser error as cause', async () => {
    const server = await echoServer(json());
    const raw = await rawClient(server.listener);
    const outcome = received(raw);
    raw.write('{"ok":1}\n\n');
    await new Promise<void>((resolve) => raw.once('data', () => resolve()));
    raw.write('{oops}\n{"never":2}\n');
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_DECODE', cause: expect.any(SyntaxError) });
    expect(decodeAll(json(), [(await outcome).bytes])).toEqual([{ ok: 1 }]);
    await server.stop();
  });

  it('invalid UTF-8 under fatal: lines() and text() fail with ERR_DECODE after the good text', async () => {
    for (const codec of [lines({ fatal: true }), text({ fatal: true })]) {
      const server = await echoServer(codec as Codec<string>);
      const raw = await rawClient(server.listener);
      const outcome = received(raw);
      // text() is unframed: a chunk with a bad byte yields nothing, so the good text goes first, on its own.
      raw.write('good\n');
      await new Promise<void>((resolve) => raw.once('data', () => resolve()));
      raw.write(concatBytes([Uint8Array.of(0xc3, 0x28), bytes('\nnever\n')]));
      const [error] = await server.errors.reach(1);
      expect(error).toMatchObject({ code: 'ERR_DECODE' });
      expect(String((await outcome).bytes)).toBe('good\n');
      await server.stop();
    }
  });
});

/**
 * Good frames, then a bad one, in the same chunk: the decoders push the good
 * frames and throw at once; `Framed` serves the frames pushed before the
 * error, then the error, without waiting for more bytes (a peer that then
 * waits is refused at once).
 */
const goodThenBad: { name: string; codec: Codec<unknown>; data: Uint8Array }[] = [
  {
    name: 'an oversized header',
    codec: lp as Codec<unknown>,
    data: concatBytes([encodeAll(lp, [bytes('ok')]), Uint8Array.of(0x7f, 0xff, 0xff, 0xff)]),
  },
  { name: 'invalid JSON', codec: json() as Codec<unknown>, data: bytes('{"ok":1}\n{oops}\n') },
  {
    name: 'an overlong line',
    codec: lines({ maxFrameLength: 10 }) as Codec<unknown>,
    data: bytes(`ok\n${'x'.repeat(20)}\n`),
  },
  {
    name: 'invalid UTF-8 under fatal',
    codec: lines({ fatal: true }) as Codec<unknown>,
    data: concatBytes([bytes('ok\n'), Uint8Array.of(0xc3, 0x28, 0x0a)]),
  },
];

describe('a bad frame right behind good ones in the same chunk', () => {
  for (const { name, codec, data } of goodThenBad) {
    // The decoder throws after pushing the good frames; Framed hands those out, then the error.
    it(`${name}: the good frames are served and the error comes at once, not when more bytes arrive`, async () => {
      const server = await echoServer(codec);
      const raw = await rawClient(server.listener);
      const outcome = received(raw);
      try {
        raw.write(data); // and then the peer waits
        const [error] = await server.errors.reach(1, 500);
        expect(error).toMatchObject({ code: expect.stringMatching(/^ERR_(FRAME_TOO_LONG|DECODE)$/) });
        expect((await outcome).bytes.length).toBeGreaterThan(0);
      } finally {
        raw.destroy(); // ends the input, which makes the decoder throw at last
        await server.stop();
      }
    });
  }
});
