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
import { clients } from './scaling-clients.js';
import {
  type CountingServer,
  nodeAsyncFramesServer,
  nodeAsyncServer,
  nodeServer,
  sluiceChunkServer,
  sluiceServer,
} from './scaling-servers.js';
import { type BenchOptions, isMain, measured, printRows, quickFromArgv, type Row, row } from './support.js';

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
