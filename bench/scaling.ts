/**
 * How cost grows: 1, 100, 1,000, 5,000 and 10,000 concurrent loopback connections
 * (--quick leaves out 5,000),
 * each sending 4-byte length-prefixed 64-byte frames to one server. The
 * server is Sluice (`listen()` + `serve()`, `for await` over
 * `conn.framed(lengthPrefixed())`, or over its `byChunk({ reuse: true })`), plain `node:net` ('data' events and the
 * same framing by hand), or plain `node:net` read by an async function (see
 * below), taking turns round by round (the order reversed every other
 * round). Reports per level, each figure the median of the rounds with its
 * spread (lowest–highest) beside it, the
 * aggregate frames/s and what each open connection costs the server in memory
 * (heap + external, after gc, divided by connections): idle, and after it has
 * received 100 frames (the same at every level). What to look for: memory per
 * connection stays flat, and how Sluice's ratio to `node:net` moves as
 * connections grow. One connection's memory is within the heap's own noise,
 * so memory is reported from 100 connections up.
 *
 * The clients live in a child process (plain `node:net` sockets, the same for
 * every server), so this process holds only the server side and the sender
 * runs beside the receiver rather than in its turn. Sending is cheap (the
 * pre-encoded frames go out in 64 KiB writes; a bare byte-counting receiver
 * takes them at ~10 M frames/s on one connection): the receiver, which
 * parses every frame, dominates, so the figures measure the server. Each
 * level shares about the same number of frames among its connections (at
 * least 100 each), so at 5,000 and 10,000 connections each carries a few kilobytes and
 * the figure includes the per-read cost of many small reads.
 *
 * A third server is plain `node:net` read the way async code reads it: an
 * async function awaiting each chunk (a promise resolved from 'data'), then
 * the same hand framing. It separates what awaiting per chunk costs by
 * itself from what Sluice adds: with thousands of connections each awaiting
 * its next chunk, any async reader (this one included) falls well behind
 * 'data' callbacks, while Sluice should stay close to this reader at every
 * level.
 *
 * From 1,000 connections up, a fourth server gives the floor of the shape:
 * plain `node:net` framed by hand in 'data', the frames read with `for await`
 * from the smallest hand-written async iterator (a resolved promise per
 * frame). Sluice's `for await` cannot beat what `for await` itself costs;
 * this row says how far it is from it.
 *
 * Where `taskset` exists (and there are two cores), the server (this
 * process) runs on core 0 and the client process on core 1, so that neither
 * waits for the other's turn on a core and the figures move less from run to
 * run; without it both float, as before.
 *
 * Needs two file descriptors per connection (one in each process): levels
 * above `ulimit -n` are skipped with a note.
 *
 * Run: pnpm build && pnpm bench:one bench/scaling.ts [--quick]
 */
import { execSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { lengthPrefixed } from '@sluice/codec';
import { listen } from '@sluice/net';
import { clients } from './scaling-clients.js';
import { type BenchOptions, handFramer, isMain, measured, printRows, quickFromArgv, type Row, row } from './support.js';

const PEER = 'node:net hand framing';
const ASYNC_PEER = 'node:net, async reader by hand';
const FLOOR_PEER = 'node:net, for await per frame by hand';

const gc = () => (globalThis as { gc?: () => void }).gc?.();
/** Heap and off-heap memory (`external` includes `arrayBuffers`), after a full gc. */
const used = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

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

export interface Sample {
  /** Frames per second, all connections together. */
  rate: number;
  /** Bytes per connection once all are open, before any traffic. */
  idle: number;
  /** Bytes per connection after each has received {@link FIRST} frames. */
  active: number;
}

/** Frames every connection receives before its memory is measured, at every level alike. */
const FIRST = 100;

/** What runs around the timed part of a measurement (the profile script starts and stops a CPU profile). */
export interface TimedHooks {
  begin(): Promise<void>;
  end(): Promise<void>;
}

/** One measurement: `count` connections each sending FIRST frames, then (timed) `frames` more. */
export async function measure(
  client: ReturnType<typeof clients>,
  start: () => Promise<CountingServer>,
  count: number,
  frames: number,
  hooks?: TimedHooks,
): Promise<Sample> {
  const server = await start();
  const before = used();
  await client.command({ type: 'connect', port: server.port, count });
  while (server.accepted() < count) await new Promise((resolve) => setTimeout(resolve, 1));
  const idle = (used() - before) / count;
  let received = server.whenFrames(count * FIRST);
  await client.command({ type: 'send', frames: FIRST });
  await received;
  const active = (used() - before) / count;
  await hooks?.begin();
  const begin = performance.now();
  received = server.whenFrames(count * (FIRST + frames));
  await client.command({ type: 'send', frames });
  await received;
  const rate = (count * frames) / ((performance.now() - begin) / 1000);
  await hooks?.end();
  await client.command({ type: 'end' });
  await server.close();
  return { rate, idle, active };
}

const descriptorLimit = () => {
  try {
    return Number(execSync('ulimit -n', { encoding: 'utf8', shell: '/bin/sh' }).trim()) || Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
};

export async function run({ quick }: BenchOptions): Promise<Row[]> {
  /** Frames per level, shared among its connections (at least 100 each). */
  const total = quick ? 600_000 : 2_000_000;
  const limit = descriptorLimit();
  /** Rows by figure, each by level: all the throughput rows, then the idle memory rows, then the active ones. */
  const rows = { rate: [] as Row[], idle: [] as Row[], active: [] as Row[] };
  const client = clients();
  try {
    // Warm-up, not reported: without it the first level (one connection) also measures the JIT compiling both servers.
    for (let round = 0; round < 2; round++) {
      await measure(client, nodeServer, 10, 20_000);
      await measure(client, nodeAsyncServer, 10, 20_000);
      await measure(client, sluiceServer, 10, 20_000);
      await measure(client, sluiceChunkServer, 10, 20_000);
    }
    for (const count of quick ? [1, 100, 1_000, 10_000] : [1, 100, 1_000, 5_000, 10_000]) {
      if (count + 256 > limit) {
        console.log(`  ${count} connections skipped: ulimit -n is ${limit}; raise it to ${count + 256} or more`);
        continue;
      }
      const frames = Math.max(100, Math.round(total / count));
      // Samples at the small levels are short (and cheap): take more of them.
      const rounds = (quick ? 3 : 5) + (count <= 100 ? 2 : 0);
      const samples = {
        node: [] as Sample[],
        async: [] as Sample[],
        floor: [] as Sample[],
        sluice: [] as Sample[],
        chunks: [] as Sample[],
      };
      const servers: [Sample[], () => Promise<CountingServer>][] = [
        [samples.node, nodeServer],
        [samples.async, nodeAsyncServer],
        [samples.sluice, sluiceServer],
        [samples.chunks, sluiceChunkServer],
      ];
      // The floor of `for await` per frame, where it tells most: from 1,000 connections up.
      if (count >= 1_000) servers.push([samples.floor, nodeAsyncFramesServer]);
      for (let round = 0; round < rounds; round++) {
        // Round by round, the order reversed every other round: none always runs right after another.
        for (const [into, server] of round % 2 === 0 ? servers : [...servers].reverse())
          into.push(await measure(client, server, count, frames));
      }
      const figure = (name: keyof typeof samples, key: keyof Sample) =>
        measured(samples[name].map((s) => s[key] / (key === 'rate' ? 1 : 1024)));
      const label = `${count.toLocaleString('en-US')} conn${count === 1 ? '' : 's'}`;
      // The targets of thousands of connections (issue 22), where a server lives: from 5,000 up.
      const target = (ratio: number) => (count >= 5_000 ? ratio : undefined);
      rows.rate.push(
        row(
          `lengthPrefixed frames, ${label}`,
          'f/s',
          figure('sluice', 'rate'),
          PEER,
          figure('node', 'rate'),
          target(0.6),
        ),
        row(`lengthPrefixed frames, ${label}`, 'f/s', figure('sluice', 'rate'), ASYNC_PEER, figure('async', 'rate')),
        ...(count >= 1_000
          ? [
              row(
                `lengthPrefixed frames, ${label}`,
                'f/s',
                figure('sluice', 'rate'),
                FLOOR_PEER,
                figure('floor', 'rate'),
              ),
            ]
          : []),
        row(
          `lengthPrefixed frames by chunk (reuse), ${label}`,
          'f/s',
          figure('chunks', 'rate'),
          PEER,
          figure('node', 'rate'),
          target(0.9),
        ),
      );
      // One connection's memory is within the heap's own noise (tens of KiB): memory is reported from 100 up.
      if (count === 1) continue;
      // Memory: lower is better, so the ratio is peer/sluice (≥ 1 would mean Sluice uses no more than the peer).
      for (const [key, what] of [
        ['idle', 'memory per idle conn'],
        ['active', `memory per conn after ${FIRST} frames`],
      ] as const) {
        const sluice = figure('sluice', key);
        for (const [peer, name, ratioTarget] of [
          // At most twice a bare socket's memory, idle.
          [figure('node', key), PEER, key === 'idle' ? target(0.5) : undefined],
          [figure('async', key), ASYNC_PEER, undefined],
        ] as const) {
          rows[key].push({
            ...row(`${what}, ${label} (ratio = peer/sluice)`, ' KiB', sluice, name, peer, ratioTarget),
            ratio: peer.value / sluice.value,
          });
        }
      }
    }
  } finally {
    await client.exit();
  }
  return [...rows.rate, ...rows.idle, ...rows.active];
}

if (isMain(import.meta.url)) printRows('How cost grows with connections', await run(quickFromArgv()));
