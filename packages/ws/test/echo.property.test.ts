/**
 * The echo property of `@sluice/net`'s suite, over WebSocket: hundreds of
 * concurrent clients against one `serve()` echo, for every codec. Each client
 * writes its encoded frames in arbitrary slices, each slice its own binary
 * message (so frames straddle messages and messages hold parts of several
 * frames), with arbitrary pauses, and must get exactly its own frames back,
 * in order, and nothing else.
 *
 * A WebSocket has no half-close: once a peer's close frame arrives, `ws`
 * answers it and nothing more can be sent. So a client reads its echo back
 * before it calls `closeWrite()` (the TCP suite half-closes first), and then
 * checks that its loop ends with nothing more.
 */
import { type Codec, json, lengthPrefixed, lines, text } from '@sluice/codec';
import type { Connection } from '@sluice/connection';
import { connect, listen, messages } from '@sluice/ws';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { encodeAll } from '../../../test-support/chunking.js';
import { ErrorLog, within } from '../../../test-support/waits.js';

/** Runs per codec: small by default, raised with FC_NUM_RUNS. */
const runs = Number(process.env.FC_NUM_RUNS ?? 3);
/** Clients at once in every run. */
const MIN_CLIENTS = 100;
const MAX_CLIENTS = 300;

interface CodecCase<T> {
  name: string;
  codec: () => Codec<T>;
  frames: fc.Arbitrary<T[]>;
  /** One message per frame: the bytes cannot be sliced, only the frames written one by one. */
  perMessage?: boolean;
  /** Text pieces: only their concatenation is kept. */
  pieces?: boolean;
}

const bytes = fc.uint8Array({ maxLength: 300 });
const line = fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !s.includes('\n') && !s.includes('\r'));
// JSON cannot carry -0 (it reads back as 0): compare what JSON can express.
const jsonValue = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);

// Each case has its own frame type; the list holds them side by side.
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of generic cases
const codecs: CodecCase<any>[] = [
  { name: 'lines', codec: () => lines(), frames: fc.array(line, { maxLength: 20 }) },
  { name: 'lengthPrefixed (4 bytes)', codec: () => lengthPrefixed(), frames: fc.array(bytes, { maxLength: 20 }) },
  {
    name: 'lengthPrefixed (varint)',
    codec: () => lengthPrefixed({ width: 'varint' }),
    frames: fc.array(bytes, { maxLength: 20 }),
  },
  { name: 'json over lines', codec: () => json(), frames: fc.array(jsonValue, { maxLength: 10 }) },
  {
    name: 'json({ framing: messages() })',
    codec: () => json({ framing: messages() }),
    frames: fc.array(jsonValue, { maxLength: 10 }),
    perMessage: true,
  },
  {
    name: 'text',
    codec: () => text(),
    frames: fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 10 }),
    pieces: true,
  },
];

/** A client's plan: what it sends, where its bytes are cut, where it pauses, and (per message) how each frame goes. */
const plan = <T>(frames: fc.Arbitrary<T[]>) =>
  fc.record({
    frames,
    cuts: fc.array(fc.nat(), { maxLength: 12 }),
    pauses: fc.array(fc.boolean(), { maxLength: 12 }),
    framedWrites: fc.array(fc.boolean(), { maxLength: 10 }),
  });
type Plan<T> = { frames: T[]; cuts: number[]; pauses: boolean[]; framedWrites: boolean[] };

/** Frames arrive as views of Node's Buffers: compare byte frames by their bytes. */
const comparable = (frames: unknown[]): unknown[] =>
  frames.map((frame) => (frame instanceof Uint8Array ? Array.from(frame) : frame));

const pause = () => new Promise((resolve) => setImmediate(resolve));

/** Writes the plan, reads as much back, then closes: resolves with what came back. */
async function runClient<T>(conn: Connection<WebSocket>, testCase: CodecCase<T>, client: Plan<T>): Promise<T[]> {
  const codec = testCase.codec();
  const io = conn.framed(codec);
  const { frames, cuts, pauses } = client;
  const wire = encodeAll(codec, frames);
  const expected = testCase.pieces ? (frames as string[]).join('').length : frames.length;
  const reading = (async () => {
    const got: T[] = [];
    let seen = 0;
    while (seen < expected) {
      const frame = await io.read();
      if (frame === undefined) throw new Error(`the echo ended after ${seen} of ${expected}`);
      got.push(frame);
      seen += testCase.pieces ? (frame as string).length : 1;
    }
    return got;
  })();
  if (testCase.perMessage) {
    // One frame per message: a framed write (a text message) or the encoded bytes raw (a binary one).
    const encoder = codec.encoder();
    for (const [i, frame] of frames.entries()) {
      if (client.framedWrites[i]) await io.write(frame);
      else await conn.write(encoder.encode(frame));
      if (pauses[i]) await pause();
    }
  } else {
    // Cuts may repeat: an empty binary message, which must change nothing.
    const points = cuts.map((cut) => cut % (wire.byteLength + 1)).sort((a, b) => a - b);
    let start = 0;
    for (const [i, end] of [...points, wire.byteLength].entries()) {
      await conn.write(wire.subarray(start, end));
      if (pauses[i]) await pause();
      start = end;
    }
  }
  const got = await reading;
  await conn.closeWrite();
  // The server's loop ends on our close frame; it closes too, and nothing else came.
  expect(await io.read()).toBeUndefined();
  await conn.close();
  return got;
}

async function checkEcho<T>(testCase: CodecCase<T>, clients: Plan<T>[]): Promise<void> {
  const errors = new ErrorLog();
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const served = listener.serve(
    async (conn) => {
      const io = conn.framed(testCase.codec());
      for await (const frame of io) await io.write(frame);
    },
    { onError: errors.push },
  );
  try {
    const results = await within(
      Promise.all(
        clients.map(async (client) => runClient(await connect(`ws://127.0.0.1:${listener.port}`), testCase, client)),
      ),
      20_000,
      `${clients.length} clients' echo`,
    );
    for (const [i, got] of results.entries()) {
      const sent = clients[i]!.frames;
      if (testCase.pieces) expect((got as string[]).join(''), `client ${i}`).toBe((sent as string[]).join(''));
      else expect(comparable(got), `client ${i}`).toEqual(comparable(sent));
    }
    expect(errors.errors).toEqual([]);
    expect(listener.counters).toMatchObject({ accepted: clients.length, refused: 0 });
  } finally {
    await listener.close();
    await served;
  }
}

describe('echo over WebSocket', () => {
  it.each(codecs.map((c) => [c.name, c] as const))(
    `%s: ${MIN_CLIENTS} to ${MAX_CLIENTS} clients at once each get exactly their own frames back, in order, whatever the slicing and pauses`,
    async (_name, testCase) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(plan(testCase.frames), { minLength: MIN_CLIENTS, maxLength: MAX_CLIENTS }),
          (clients) => checkEcho(testCase, clients),
        ),
        // A counterexample of hundreds of clients does not shrink usefully: the message names the client.
        { numRuns: runs, endOnFailure: true },
      );
    },
    60_000,
  );
});
