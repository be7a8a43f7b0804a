/**
 * Hand-over at every byte boundary, over the in-memory transport: the input
 * cut in two at each offset, the first reader switched after each frame.
 * And a decoder that finds an error behind good frames: the good frames
 * arrive first, then the coded error (the connection destroyed); a reader
 * switched before reading the error hands the bytes past its last frame on.
 */
import diagnostics from 'node:diagnostics_channel';
import { type Codec, json, lengthPrefixed, lines } from '@sluice/codec';
import { channels, type FrameErrorMessage } from '@sluice/connection';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { concatBytes, encodeAll } from '../../../test-support/chunking.js';
import { pairs } from './support/codecs.js';
import { frameEnds, MODES, plain, readFirst } from './support/handover.js';
import { connectedPair, readBytes, send } from './support/pair.js';

const utf8 = new TextEncoder();

/** Every way to cut `wire` in two (the first piece may be empty: one chunk). */
function splits(wire: Uint8Array): Uint8Array[][] {
  return Array.from({ length: wire.length + 1 }, (_, at) => [wire.slice(0, at), wire.slice(at)]);
}

const fixed: [string, Codec<unknown, unknown>, Uint8Array][] = [
  ['lines()', lines(), utf8.encode('one\ntwo\n\nthree\nand a tail')],
  [
    'lengthPrefixed({ width: 2 })',
    lengthPrefixed({ width: 2 }),
    concatBytes([
      encodeAll(lengthPrefixed({ width: 2 }), [utf8.encode('ab'), new Uint8Array(0), utf8.encode('c\nd')]),
      Uint8Array.of(0, 5, 1),
    ]),
  ],
  ['a custom decoder with remaining()', pairs({ remaining: true }), Uint8Array.of(1, 2, 3, 4, 5, 6, 7)],
];

describe('hand-over at every byte boundary', () => {
  it.each(fixed)(
    '%s: after each frame, read each way, the raw reader gets the bytes after it',
    async (_, codec, wire) => {
      const oracle = frameEnds(codec, wire);
      for (const chunks of splits(wire)) {
        for (let k = 0; k <= oracle.frames.length; k++) {
          for (const mode of MODES) {
            await using pair = connectedPair();
            const sending = send(pair.peer, chunks);
            const got = await readFirst(pair.conn.framed(codec, { keepOpen: true }), k, mode);
            expect(plain(got)).toEqual(plain(oracle.frames.slice(0, got.length)));
            const from = got.length === 0 ? 0 : (oracle.ends[got.length - 1] as number);
            expect(await readBytes(pair.conn.reader()), `split ${chunks[0]?.length}, k ${k}, ${mode}`).toEqual(
              Array.from(wire.subarray(from)),
            );
            await sending;
          }
        }
      }
    },
  );
});

/** Good frames, then a frame the codec refuses, then more bytes. */
const refusing: [string, Codec<unknown, unknown>, Uint8Array, unknown[], string][] = [
  [
    'lines({ maxFrameLength: 8 })',
    lines({ maxFrameLength: 8 }),
    utf8.encode(`ok\nfine\n${'x'.repeat(20)}\ntail`),
    ['ok', 'fine'],
    'ERR_FRAME_TOO_LONG',
  ],
  [
    'lengthPrefixed({ maxFrameLength: 4 })',
    lengthPrefixed({ maxFrameLength: 4 }),
    Uint8Array.of(0, 0, 0, 1, 7, 0, 0, 0, 2, 8, 9, 0, 0, 3, 232, 1, 2, 3),
    [[7], [8, 9]],
    'ERR_FRAME_TOO_LONG',
  ],
];

describe('an error found behind good frames', () => {
  let published: FrameErrorMessage[] = [];
  const listener = (message: unknown) => published.push(message as FrameErrorMessage);
  beforeEach(() => {
    published = [];
    diagnostics.subscribe(channels.frameError, listener);
  });
  afterEach(() => void diagnostics.unsubscribe(channels.frameError, listener));

  it.each(refusing)(
    '%s: at every split, the good frames arrive, then the coded error, and the connection is destroyed',
    async (_, codec, wire, good, code) => {
      for (const chunks of splits(wire)) {
        published = [];
        await using pair = connectedPair();
        const sending = send(pair.peer, chunks).catch(() => {});
        const io = pair.conn.framed(codec);
        const got: unknown[] = [];
        let failure: unknown;
        try {
          for await (const frame of io) got.push(frame);
        } catch (error) {
          failure = error;
        }
        expect(plain(got), `split ${chunks[0]?.length}`).toEqual(good);
        expect(failure).toMatchObject({ code });
        expect(pair.conn.destroyed).toBe(true);
        await pair.conn.closed;
        expect(pair.conn.error).toBe(failure);
        expect(published).toEqual([{ connection: pair.conn, error: failure }]);
        await sending;
      }
    },
  );

  it.each(refusing)(
    '%s: at every split, a reader switched before the error gets the bytes past the last frame read',
    async (_, codec, wire, good) => {
      const oracle = frameEnds(codec, wire);
      expect(plain(oracle.frames)).toEqual(good);
      for (const chunks of splits(wire)) {
        for (let k = 0; k <= good.length; k++) {
          await using pair = connectedPair();
          const sending = send(pair.peer, chunks);
          const io = pair.conn.framed(codec, { keepOpen: true });
          for (let i = 0; i < k; i++) await io.read();
          const from = k === 0 ? 0 : (oracle.ends[k - 1] as number);
          expect(await readBytes(pair.conn.reader()), `split ${chunks[0]?.length}, k ${k}`).toEqual(
            Array.from(wire.subarray(from)),
          );
          expect(pair.conn.error).toBeUndefined();
          expect(published).toEqual([]);
          await sending;
        }
      }
    },
  );
});

describe('switching readers after bytes the first codec refuses (ported from @sluice/net)', () => {
  it.each<[string, Codec<unknown>, Uint8Array, string]>([
    [
      'lengthPrefixed() then lines()',
      lengthPrefixed(),
      concatBytes([encodeAll(lengthPrefixed(), [utf8.encode('bin')]), utf8.encode('x\ny\n')]),
      'x,y',
    ],
    ['json() then lines()', json(), utf8.encode('{"v":1}\nplain text\nmore\n'), 'plain text,more'],
    [
      'lengthPrefixed(varint) then lines()',
      lengthPrefixed({ width: 'varint' }),
      Uint8Array.of(1, 0x41, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0a),
      '\uFFFD'.repeat(10),
    ],
  ])('%s: the refused bytes go to the next reader', async (_, first, wire, expected) => {
    await using pair = connectedPair();
    const sending = send(pair.peer, [wire]);
    const io = pair.conn.framed(first, { keepOpen: true });
    expect(await io.read()).toBeDefined();
    const rest: string[] = [];
    for await (const line of pair.conn.framed(lines())) rest.push(line);
    expect(rest.join(',')).toBe(expected);
    await sending;
  });
});
