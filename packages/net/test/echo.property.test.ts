import { type Codec, json, lengthPrefixed, lines, text } from '@sluice/codec';
import { type Connection, connect, listen } from '@sluice/net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAll } from '../../../test-support/chunking.js';
import { ipc, numRuns, secure, type Transport, tcp } from './support/transports.js';

interface CodecCase<T> {
  name: string;
  codec: Codec<T>;
  frames: fc.Arbitrary<T[]>;
  /** How received frames compare with sent ones (text pieces only keep the concatenation). */
  normalise?: (frames: T[]) => unknown;
}

const bytes = fc.uint8Array({ maxLength: 300 });
const line = fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !s.includes('\n') && !s.includes('\r'));

/** Frames arrive as views of Node's Buffers; compare their bytes. */
const plainBytes = (frames: Uint8Array[]) => frames.map((frame) => Array.from(frame));

// Each case has its own frame type; the list holds them side by side.
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of generic cases
const codecs: CodecCase<any>[] = [
  {
    name: 'lengthPrefixed (4 bytes)',
    codec: lengthPrefixed(),
    frames: fc.array(bytes, { maxLength: 20 }),
    normalise: plainBytes,
  },
  {
    name: 'lengthPrefixed (varint)',
    codec: lengthPrefixed({ width: 'varint' }),
    frames: fc.array(bytes, { maxLength: 20 }),
    normalise: plainBytes,
  },
  { name: 'lines', codec: lines(), frames: fc.array(line, { maxLength: 20 }) },
  {
    name: 'json',
    codec: json(),
    frames: fc.array(
      // JSON cannot carry -0 (it reads back as 0): compare what JSON can express.
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown),
      { maxLength: 10 },
    ),
  },
  {
    name: 'text',
    codec: text(),
    frames: fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 10 }),
    normalise: (pieces: string[]) => pieces.join(''),
  },
];

/** A client's plan: what it sends, how its bytes are sliced, and where it pauses. */
const plan = <T>(frames: fc.Arbitrary<T[]>) =>
  fc.record({ frames, cuts: fc.array(fc.nat(), { maxLength: 12 }), pauses: fc.array(fc.boolean(), { maxLength: 12 }) });

/** Encodes `frames`, writes the bytes in arbitrary slices with arbitrary pauses, half-closes, and reads frames back. */
async function runClient<T>(
  conn: Connection,
  codec: Codec<T>,
  frames: T[],
  cuts: number[],
  pauses: boolean[],
): Promise<T[]> {
  const wire = encodeAll(codec, frames);
  const points = [...new Set(cuts.map((cut) => cut % (wire.byteLength + 1)))].sort((a, b) => a - b);
  const io = conn.framed(codec);
  const received = (async () => {
    const out: T[] = [];
    for await (const frame of io) out.push(frame);
    return out;
  })();
  let start = 0;
  for (const [i, end] of [...points, wire.byteLength].entries()) {
    if (end > start) await conn.write(wire.subarray(start, end));
    if (pauses[i]) await new Promise((resolve) => setImmediate(resolve));
    start = Math.max(start, end);
  }
  await conn.closeWrite();
  const frames_ = await received;
  await conn.close();
  return frames_;
}

/** How the echo server reads: frame by frame, or a chunk's frames at a time (in a new array, or in one reused). */
type ServerReads = 'for await' | 'byChunk()' | 'byChunk({ reuse: true })';

async function checkEcho<T>(
  transport: Transport,
  testCase: CodecCase<T>,
  clients: { frames: T[]; cuts: number[]; pauses: boolean[] }[],
  reads: ServerReads = 'for await',
) {
  const listener = await listen(transport.listenOptions());
  const served = listener.serve(async (conn) => {
    const io = conn.framed(testCase.codec);
    if (reads === 'for await') for await (const frame of io) await io.write(frame);
    else {
      for await (const frames of io.byChunk({ reuse: reads === 'byChunk({ reuse: true })' }))
        for (const frame of frames) await io.write(frame);
    }
  });
  try {
    const results = await Promise.all(
      clients.map(async ({ frames, cuts, pauses }) =>
        runClient(await connect(transport.connectOptions(listener)), testCase.codec, frames, cuts, pauses),
      ),
    );
    const normalise = testCase.normalise ?? ((frames: T[]) => frames);
    for (const [i, received] of results.entries()) expect(normalise(received)).toEqual(normalise(clients[i]!.frames));
  } finally {
    await listener.close();
    await served;
  }
}

/** Transport, clients at once (min, max), runs. */
const transports: [string, Transport, number, number, number][] = [
  [tcp.name, tcp, 20, 100, numRuns(5)],
  [ipc.name, ipc, 10, 40, numRuns(3)],
  [secure.name, secure, 5, 15, numRuns(2)],
];

describe.each(transports)('echo over %s', (_name, transport, minClients, maxClients, runs) => {
  it.each(codecs.map((c) => [c.name, c] as const))(
    'every client gets exactly its own %s frames back, in order, whatever the slicing and pauses',
    async (_name, testCase) => {
      await fc.assert(
        fc.asyncProperty(fc.array(plan(testCase.frames), { minLength: minClients, maxLength: maxClients }), (clients) =>
          checkEcho(transport, testCase, clients),
        ),
        { numRuns: runs },
      );
    },
    60_000,
  );
});

describe.each(['byChunk()', 'byChunk({ reuse: true })'] as const)('echo over TCP, the server reading %s', (reads) => {
  it.each(codecs.map((c) => [c.name, c] as const))(
    'every client gets exactly its own %s frames back, in order, whatever the slicing and pauses',
    async (_name, testCase) => {
      await fc.assert(
        fc.asyncProperty(fc.array(plan(testCase.frames), { minLength: 10, maxLength: 50 }), (clients) =>
          checkEcho(tcp, testCase, clients, reads),
        ),
        { numRuns: numRuns(3) },
      );
    },
    60_000,
  );
});
