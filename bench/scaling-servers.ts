/**
 * The servers of the scaling bench (bench/scaling.ts), each counting the
 * length-prefixed frames its connections receive: Sluice (`for await`, or
 * `byChunk({ reuse: true })`), plain node:net with the expert hand framer in
 * 'data', node:net read by a hand-written async function, and the floor of
 * `for await` per frame written by hand.
 */
import { once } from 'node:events';
import net from 'node:net';
import { lengthPrefixed } from '@sluice/codec';
import { listen } from '@sluice/net';
import { handFramer } from './support.js';

/** A server that counts frames: `accepted` connections so far, `whenFrames(n)` resolves once n frames arrived. */
export interface CountingServer {
  port: number;
  accepted(): number;
  whenFrames(total: number): Promise<void>;
  close(): Promise<void>;
}

function frameCounter() {
  let frames = 0;
  let target = Number.POSITIVE_INFINITY;
  let reached = () => {};
  return {
    add: (_frame?: Uint8Array) => {
      if (++frames === target) reached();
    },
    addMany: (count: number) => {
      const before = frames;
      frames += count;
      if (before < target && frames >= target) reached();
    },
    whenFrames: (total: number) =>
      new Promise<void>((resolve) => {
        target = total;
        reached = resolve;
        if (frames >= total) resolve();
      }),
  };
}

/** A plain node:net server: `read` reads each socket, framing by hand, and counts each frame with `count`. */
async function plainServer(
  read: (socket: net.Socket, count: (frame: Buffer) => void) => void,
): Promise<CountingServer> {
  const counter = frameCounter();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    read(socket, counter.add);
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  await once(server, 'listening');
  let accepted = 0;
  server.on('connection', () => accepted++);
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    whenFrames: counter.whenFrames,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      while (sockets.size > 0) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Plain node:net: each chunk framed in its 'data' event. */
export const nodeServer = () => plainServer((socket, count) => socket.on('data', handFramer(count)));

/**
 * Plain node:net as async code reads it: 'data' resolves a promise that an
 * async function awaits, a chunk at a time, then frames as {@link nodeServer}.
 */
export const nodeAsyncServer = () =>
  plainServer((socket, count) => {
    const frame = handFramer(count);
    const queued: (Buffer | null)[] = [];
    let wake: ((chunk: Buffer | null) => void) | undefined;
    const deliver = (chunk: Buffer | null) => {
      if (wake === undefined) return void queued.push(chunk);
      const resolve = wake;
      wake = undefined;
      resolve(chunk);
    };
    const nextChunk = () =>
      queued.length > 0
        ? Promise.resolve(queued.shift() as Buffer | null)
        : new Promise<Buffer | null>((resolve) => (wake = resolve));
    socket.on('data', deliver);
    socket.on('close', () => deliver(null)); // after the end, or after a reset
    void (async () => {
      for (let chunk = await nextChunk(); chunk !== null; chunk = await nextChunk()) frame(chunk);
    })();
  });

/**
 * The floor of `for await` per frame: node:net framed by hand in 'data' (as
 * {@link nodeServer}), the frames handed to a `for await` loop one by one by
 * the smallest async iterator that does it (a resolved promise per frame,
 * one promise per wait), with no bound, no pause and no errors. What any
 * reader pays for the shape itself; Sluice's `for await` is measured against it.
 */
export const nodeAsyncFramesServer = () =>
  plainServer((socket, count) => {
    const frames: Buffer[] = [];
    let next = 0;
    let ended = false;
    let wake: (() => void) | undefined;
    const frame = handFramer((f) => frames.push(f));
    const woken = () => {
      const resolve = wake;
      wake = undefined;
      resolve?.();
    };
    socket.on('data', (chunk: Buffer) => {
      frame(chunk);
      if (next < frames.length) woken();
    });
    socket.on('close', () => {
      ended = true;
      woken();
    });
    const iterator: AsyncIterableIterator<Buffer> = {
      next(): Promise<IteratorResult<Buffer>> {
        if (next < frames.length) {
          const value = frames[next++] as Buffer;
          if (next === frames.length) frames.length = next = 0;
          return Promise.resolve({ value, done: false });
        }
        if (ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise<void>((resolve) => (wake = resolve)).then(() => iterator.next());
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    void (async () => {
      for await (const f of iterator) count(f);
    })();
  });

/** Sluice: `for await` over each connection's frames, or over its chunks of frames (`byChunk({ reuse: true })`). */
export async function sluiceServer(by: 'frame' | 'chunk' = 'frame'): Promise<CountingServer> {
  const counter = frameCounter();
  const codec = lengthPrefixed();
  const errors: unknown[] = [];
  let accepted = 0;
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const served = listener.serve(
    async (conn) => {
      accepted++;
      const io = conn.framed(codec);
      if (by === 'chunk') for await (const frames of io.byChunk({ reuse: true })) counter.addMany(frames.length);
      else for await (const _ of io) counter.add();
    },
    { onError: (error) => errors.push(error) },
  );
  return {
    port: 'port' in listener.address ? listener.address.port : 0,
    accepted: () => accepted,
    whenFrames: counter.whenFrames,
    close: async () => {
      await listener.close();
      await served;
      if (errors.length > 0) throw new Error(`scaling: ${errors.length} Sluice handlers failed`, { cause: errors[0] });
    },
  };
}

export const sluiceChunkServer = () => sluiceServer('chunk');
