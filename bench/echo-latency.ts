/**
 * Echo round trip: one frame out, the same frame back, one at a time. Sluice
 * (listen + serve + framed on both ends) against plain `node:net` framed by
 * hand, in two framings: a 48-byte line (`lines()` against the usual string
 * buffer split at '\n') and a 64-byte frame behind a 4-byte length
 * (`lengthPrefixed()` against `readUInt32BE`). Both pairs stay connected and
 * take turns in blocks of round trips (see `interleavedLatency`). Reports p50
 * and p99 in microseconds.
 *
 * Run: pnpm build && pnpm bench:one bench/echo-latency.ts [--quick]
 */
import { once } from 'node:events';
import net from 'node:net';
import { type Codec, lengthPrefixed, lines } from '@sluice/codec';
import { connect, listen } from '@sluice/net';
import {
  type BenchOptions,
  type Echoer,
  handFramer,
  interleavedLatency,
  isMain,
  latencyRows,
  printRows,
  quickFromArgv,
  type Row,
} from './support.js';

/** Plain node:net line framing by hand, as it is usually written: a string buffer split at '\n'. */
function handLines(onLine: (line: string) => void) {
  let pending = '';
  return (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    for (let index = pending.indexOf('\n'); index >= 0; index = pending.indexOf('\n')) {
      onLine(pending.slice(0, index));
      pending = pending.slice(index + 1);
    }
  };
}

const withHeader = (payload: Buffer) => {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
};

/** One framing as plain node:net users write it: how to split input, and how to frame the one message sent. */
export interface HandFraming {
  split(onFrame: (frame: Buffer | string) => void): (chunk: Buffer) => void;
  frame(message: Buffer | string): Buffer | string;
  message: Buffer | string;
}

export const handFramings = {
  lengthPrefixed: {
    split: (onFrame) => handFramer(onFrame),
    frame: (message) => withHeader(message as Buffer),
    message: Buffer.alloc(64, 99),
  },
  lines: {
    split: (onFrame) => handLines(onFrame),
    frame: (line) => `${line as string}\n`,
    message: 'c'.repeat(48),
  },
} satisfies Record<string, HandFraming>;

export async function nodeEchoer(framing: HandFraming): Promise<Echoer> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on(
      'data',
      framing.split((frame) => socket.write(framing.frame(frame))),
    );
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  let resolveFrame!: () => void;
  socket.on(
    'data',
    framing.split(() => resolveFrame()),
  );
  return {
    roundTrip() {
      const answered = new Promise<void>((resolve) => (resolveFrame = resolve));
      socket.write(framing.frame(framing.message));
      return answered;
    },
    async close() {
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function sluiceEchoer<T>(codec: Codec<T>, message: T): Promise<Echoer> {
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const served = listener.serve(async (conn) => {
    const io = conn.framed(codec);
    for await (const frame of io) await io.write(frame);
  });
  const conn = await connect(listener.address);
  const io = conn.framed(codec);
  const frames = io[Symbol.asyncIterator]();
  return {
    async roundTrip() {
      await io.write(message);
      await frames.next();
    },
    async close() {
      await conn.closeWrite();
      await frames.next();
      await conn.close();
      await listener.close();
      await served;
    },
  };
}

export async function run({ quick }: BenchOptions): Promise<Row[]> {
  const count = quick ? 5_000 : 20_000;
  const { lines: line, lengthPrefixed: frame } = handFramings;
  const linesLatency = await interleavedLatency(
    { node: () => nodeEchoer(line), sluice: () => sluiceEchoer(lines(), line.message) },
    count,
  );
  const framesLatency = await interleavedLatency(
    { node: () => nodeEchoer(frame), sluice: () => sluiceEchoer(lengthPrefixed(), new Uint8Array(frame.message)) },
    count,
  );
  return [
    ...latencyRows('echo 48-byte line', linesLatency.sluice!, PEER, linesLatency.node!),
    ...latencyRows('echo 64-byte length-prefixed frame', framesLatency.sluice!, PEER, framesLatency.node!),
  ];
}

const PEER = 'node:net hand framing';

if (isMain(import.meta.url)) printRows('Echo round trip, one frame at a time', await run(quickFromArgv()));
