/**
 * Hand-over between readers of one connection, over the in-memory transport:
 * a reader that read k frames and is replaced (by another `framed()` or by
 * `conn.reader()`) leaves the next reader exactly the bytes after its k-th
 * frame, whatever the chunking, the timing, how it read (read(), for await,
 * takeNow, byChunk), and whether frames after the k-th were already decoded
 * or an error found behind them.
 */
import { type Codec, json, lengthPrefixed, lines } from '@sluice/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryCuts, concatBytes, encodeAll, rechunk, runs } from '../../../test-support/chunking.js';
import { pairs } from './support/codecs.js';
import { frameEnds, MODES, type Mode, plain, readFirst } from './support/handover.js';
import { connectedPair, readBytes, send } from './support/pair.js';

interface Case {
  name: string;
  codec: Codec<unknown, unknown>;
  frames: fc.Arbitrary<unknown[]>;
  /** The codec drops blank lines between frames (json()): such bytes are no frame's, and not handed over. */
  dropsBlankLines?: boolean;
}

const line = fc.string({ maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));
/** Lines that fit `maxFrameLength: 8`: the too-long ones come from the tail. */
const shortLine = line.filter((s) => new TextEncoder().encode(s).length <= 8);
const payload = fc.uint8Array({ maxLength: 12 }).map((bytes) => bytes.map((b) => (b % 3 === 0 ? 0x0a : b)));
/** What JSON can carry (-0 reads back as 0). */
const jsonValues = fc.array(
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown),
  { maxLength: 5 },
);
const cases: Case[] = [
  { name: 'lines()', codec: lines(), frames: fc.array(line, { maxLength: 6 }) },
  {
    name: 'lines({ maxFrameLength: 8 })',
    codec: lines({ maxFrameLength: 8 }),
    frames: fc.array(shortLine, { maxLength: 6 }),
  },
  { name: 'lengthPrefixed()', codec: lengthPrefixed(), frames: fc.array(payload, { maxLength: 6 }) },
  {
    name: "lengthPrefixed({ width: 'varint', maxFrameLength: 16 })",
    codec: lengthPrefixed({ width: 'varint', maxFrameLength: 16 }),
    frames: fc.array(payload, { maxLength: 6 }),
  },
  {
    name: 'json()',
    codec: json(),
    frames: jsonValues,
    dropsBlankLines: true,
  },
  {
    name: 'a custom decoder with remaining()',
    codec: pairs({ remaining: true }),
    frames: fc.array(fc.uint8Array({ minLength: 2, maxLength: 2 }), { maxLength: 8 }),
  },
];

/** Arbitrary bytes behind the frames: more frames, part of one, or bytes the codec refuses. */
const tail = fc.oneof(
  fc.uint8Array({ maxLength: 24 }),
  fc.constantFrom(
    Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    new TextEncoder().encode('a line that is too long\nafter'),
    new TextEncoder().encode('{"not json\n'),
  ),
);

/** `tail`, without a blank line right behind the frames: a codec that drops blank lines hands none over (docs/codecs.md). */
const tailAfterFrames = tail.filter((bytes) => bytes[0] !== 0x0a && !(bytes[0] === 0x0d && bytes[1] === 0x0a));

const timing = fc.record({ cuts: arbitraryCuts(8), pauses: fc.array(fc.boolean(), { maxLength: 10 }) });

describe('hand-over to conn.reader() after k frames', () => {
  for (const { name, codec, frames, dropsBlankLines } of cases) {
    it(`${name}: the raw reader gets exactly the bytes after the k-th frame`, async () => {
      await fc.assert(
        fc.asyncProperty(
          frames,
          dropsBlankLines === true ? tailAfterFrames : tail,
          fc.nat(),
          fc.constantFrom(...MODES),
          timing,
          async (sent, rest, pick, mode, { cuts, pauses }) => {
            const wire = concatBytes([encodeAll(codec, sent), rest]);
            const oracle = frameEnds(codec, wire);
            const k = pick % (oracle.frames.length + 1);
            await using pair = connectedPair();
            const sending = send(pair.peer, rechunk(wire, cuts), pauses);
            const got = await readFirst(pair.conn.framed(codec, { keepOpen: true }), k, mode);
            expect(got.length).toBe(mode === 'byChunk' ? Math.max(got.length, k) : k);
            expect(plain(got)).toEqual(plain(oracle.frames.slice(0, got.length)));
            const from = got.length === 0 ? 0 : (oracle.ends[got.length - 1] as number);
            expect(await readBytes(pair.conn.reader())).toEqual(Array.from(wire.subarray(from)));
            await sending;
          },
        ),
        runs(60),
      );
    });
  }
});

describe('hand-over to a second framed reader of the same codec after k frames', () => {
  for (const { name, codec, frames } of cases) {
    it(`${name}: the second reader decodes the rest as a fresh decoder would`, async () => {
      await fc.assert(
        fc.asyncProperty(
          frames,
          tail,
          fc.nat(),
          fc.constantFrom(...MODES),
          timing,
          async (sent, rest, pick, mode, { cuts, pauses }) => {
            const wire = concatBytes([encodeAll(codec, sent), rest]);
            const oracle = frameEnds(codec, wire);
            const k = pick % (oracle.frames.length + 1);
            await using pair = connectedPair();
            const sending = send(pair.peer, rechunk(wire, cuts), pauses);
            const got = await readFirst(pair.conn.framed(codec, { keepOpen: true }), k, mode);
            const from = got.length === 0 ? 0 : (oracle.ends[got.length - 1] as number);
            const expected = decodeOutcome(codec, wire.subarray(from));
            const second: unknown[] = [];
            let failure: unknown;
            try {
              for await (const frame of pair.conn.framed(codec)) second.push(frame);
            } catch (error) {
              failure = error;
            }
            expect(plain(second)).toEqual(plain(expected.frames));
            expect((failure as { code?: string } | undefined)?.code).toBe(expected.code);
            await sending.catch(() => {}); // a decode error destroys the connection under the sender
          },
        ),
        runs(40),
      );
    });
  }
});

/** What a fresh decoder of `codec` makes of `bytes`, whole: its frames, and the code of the error it ends with. */
function decodeOutcome(codec: Codec<unknown, unknown>, bytes: Uint8Array): { frames: unknown[]; code?: string } {
  const decoder = codec.decoder();
  const frames: unknown[] = [];
  try {
    decoder.decode(bytes, frames);
    decoder.end(frames);
    return { frames };
  } catch (error) {
    return { frames, code: (error as { code?: string }).code ?? 'uncoded' };
  }
}

describe('hand-over to a reader of another codec after every frame of the first', () => {
  const switches: { name: string; a: Case; b: Case }[] = [
    {
      name: 'lines() then lengthPrefixed({ width: 2 }) (payloads full of newlines)',
      a: { name: 'lines()', codec: lines(), frames: fc.array(line, { maxLength: 4 }) },
      b: { name: 'lengthPrefixed()', codec: lengthPrefixed({ width: 2 }), frames: fc.array(payload, { maxLength: 6 }) },
    },
    {
      name: 'lengthPrefixed() then lines()',
      a: { name: 'lengthPrefixed()', codec: lengthPrefixed(), frames: fc.array(payload, { maxLength: 4 }) },
      b: { name: 'lines()', codec: lines(), frames: fc.array(line, { maxLength: 6 }) },
    },
    {
      name: 'json() then lengthPrefixed()',
      a: { name: 'json()', codec: json(), frames: jsonValues },
      b: { name: 'lengthPrefixed()', codec: lengthPrefixed(), frames: fc.array(payload, { maxLength: 6 }) },
    },
    {
      name: 'a custom decoder with remaining() then lines()',
      a: {
        name: 'pairs',
        codec: pairs({ remaining: true }),
        frames: fc.array(fc.uint8Array({ minLength: 2, maxLength: 2 }), { maxLength: 4 }),
      },
      b: { name: 'lines()', codec: lines(), frames: fc.array(line, { maxLength: 6 }) },
    },
  ];
  for (const { name, a, b } of switches) {
    it(`${name}: every frame of both arrives exactly`, async () => {
      await fc.assert(
        fc.asyncProperty(
          a.frames,
          b.frames,
          fc.constantFrom<Mode>('read', 'iterate', 'takeNow'), // byChunk could read B's bytes as frames of A
          timing,
          async (first, second, mode, { cuts, pauses }) => {
            const wire = concatBytes([encodeAll(a.codec, first), encodeAll(b.codec, second)]);
            await using pair = connectedPair();
            const sending = send(pair.peer, rechunk(wire, cuts), pauses);
            const got = await readFirst(pair.conn.framed(a.codec, { keepOpen: true }), first.length, mode);
            expect(plain(got)).toEqual(plain(first));
            const rest: unknown[] = [];
            for await (const frame of pair.conn.framed(b.codec)) rest.push(frame);
            expect(plain(rest)).toEqual(plain(second));
            await sending;
          },
        ),
        runs(40),
      );
    });
  }
});

describe('hand-over from a decoder without remaining()', () => {
  it('loses only the chunks it took: the next reader gets every chunk after the one that completed the k-th frame', async () => {
    const codec = pairs({ remaining: false });
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 24 }),
        fc.nat(),
        fc.constantFrom(...MODES),
        timing,
        async (wire, pick, mode, { cuts, pauses }) => {
          const chunks = rechunk(wire, cuts).filter((chunk) => chunk.length > 0);
          const oracle = frameEnds(codec, wire);
          const k = pick % (oracle.frames.length + 1);
          await using pair = connectedPair();
          const sending = send(pair.peer, chunks, pauses);
          const got = await readFirst(pair.conn.framed(codec, { keepOpen: true }), k, mode);
          expect(plain(got)).toEqual(plain(oracle.frames.slice(0, got.length)));
          // Where the chunk that completed the last frame read ends: the first chunk boundary at or after that frame's end.
          const frameEnd = got.length === 0 ? 0 : (oracle.ends[got.length - 1] as number);
          let from = 0;
          for (const chunk of chunks) {
            if (from >= frameEnd) break;
            from += chunk.length;
          }
          expect(await readBytes(pair.conn.reader())).toEqual(Array.from(wire.subarray(from)));
          await sending;
        },
      ),
      runs(60),
    );
  });
});
