/**
 * Soak: servers over TCP, IPC and TLS, and clients that connect, exchange
 * frames over several codecs, and close, again and again for a chosen time.
 * Some clients misbehave: they reset mid-frame, say nothing, announce
 * oversized frames, send invalid JSON, dribble a frame a byte at a time
 * (shed by `frameTimeout`) or open TLS and never say hello (dropped by
 * `handshakeTimeout`). Reports frames, errors by code,
 * memory over time and, at the end, leaked handles
 * (`process.getActiveResourcesInfo()`).
 *
 * Exits non-zero if a frame was lost or corrupted, a well-behaved session
 * failed, a misbehaving one was not answered with its error, or a handle or
 * heap memory was left behind.
 *
 * Run: pnpm exec tsx bench/soak.ts [--seconds 10] [--concurrency 32] [--seed 1] [--json]
 * (CI runs `--seconds 3` through packages/net/test/reliability/soak.test.ts.)
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Codec, json, lengthPrefixed, lines } from '@sluice/codec';
import { type ConnectOptions, connect, type Listener, type ListenOptions, listen } from '@sluice/net';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const SECONDS = argument('seconds', 10);
const CONCURRENCY = argument('concurrency', 32);
const SEED = argument('seed', Date.now() % 100_000);
const JSON_OUTPUT = process.argv.includes('--json');
const IDLE_TIMEOUT = 300;
/** Longer than IDLE_TIMEOUT, so that only a frame in progress (a dribbler) meets it. */
const FRAME_TIMEOUT = 600;
const HANDSHAKE_TIMEOUT = 500;

/** Deterministic choices, so that a failing run can be replayed with its seed. */
let state = SEED >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const fixture = (name: string) => readFileSync(new URL(`../packages/net/test/fixtures/${name}`, import.meta.url));
const ca = fixture('ca.crt');

interface Server {
  name: string;
  codec: Codec<unknown>;
  frame: (i: number) => unknown;
  listener: Listener;
  connectOptions: ConnectOptions;
  served: Promise<unknown>;
}

const stats = {
  sessions: 0,
  framesSent: 0,
  framesEchoed: 0,
  framesLost: 0,
  bytesSent: 0,
  /** Errors the server handlers reported, by code. */
  serverErrors: {} as Record<string, number>,
  /** Errors well-behaved clients met (each one is a failure). */
  clientFailures: {} as Record<string, number>,
  /** Misbehaviours attempted, by the code the server must answer with. */
  misbehaviours: {} as Record<string, number>,
  /** TLS clients that never sent a hello, each to be dropped by handshakeTimeout. */
  silentTls: 0,
};
const bump = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);
const codeOf = (error: unknown) => String((error as { code?: string }).code ?? (error as Error).message);

async function startServer(
  name: string,
  codec: Codec<unknown>,
  frame: (i: number) => unknown,
  options: ListenOptions,
  connectOptions: (l: Listener) => ConnectOptions,
): Promise<Server> {
  const listener = await listen({
    idleTimeout: IDLE_TIMEOUT,
    frameTimeout: FRAME_TIMEOUT,
    handshakeTimeout: HANDSHAKE_TIMEOUT,
    closeTimeout: 1000,
    ...options,
  });
  const served = listener.serve(
    async (conn) => {
      const io = conn.framed(codec);
      for await (const value of io) await io.write(value);
    },
    { onError: (error) => bump(stats.serverErrors, codeOf(error)) },
  );
  return { name, codec, frame, listener, connectOptions: connectOptions(listener), served };
}

const text = (i: number) => `frame ${i} ${'é'.repeat(i % 40)}`;
const bytes = (i: number) => new Uint8Array(i % 3000).fill(i & 0xff);

/** A well-behaved session: some frames, pipelined or one at a time, half-close, check every echo. */
async function goodSession(server: Server): Promise<void> {
  const count = 1 + Math.floor(random() * 40);
  const pipelined = random() < 0.5;
  const sent = Array.from({ length: count }, (_, i) => server.frame(i));
  const encoder = server.codec.encoder();
  try {
    const conn = await connect({ ...server.connectOptions, timeout: 10_000 });
    const io = conn.framed(server.codec);
    const echoes = io[Symbol.asyncIterator]();
    const got: unknown[] = [];
    for (const frame of sent) {
      await io.write(frame);
      stats.framesSent++;
      stats.bytesSent += encoder.encode(frame).length;
      if (!pipelined) {
        const next = await echoes.next();
        if (!next.done) got.push(next.value);
      }
    }
    await io.closeWrite();
    for (let next = await echoes.next(); !next.done; next = await echoes.next()) got.push(next.value);
    await conn.close();
    for (let i = 0; i < sent.length; i++) {
      const same = i < got.length && Buffer.compare(encoder.encode(got[i]), encoder.encode(sent[i])) === 0;
      if (same) stats.framesEchoed++;
      else stats.framesLost++;
    }
    stats.sessions++;
  } catch (error) {
    bump(stats.clientFailures, `${server.name}: ${codeOf(error)}`);
  }
}

/** A raw peer that misbehaves; resolves once the server has closed it (or it has reset). */
async function misbehave(
  server: Server,
  kind: 'reset' | 'truncate' | 'idle' | 'oversize' | 'invalid' | 'dribble' | 'silentTls',
): Promise<void> {
  const socket =
    'path' in server.connectOptions && server.connectOptions.path !== undefined
      ? net.connect({ path: server.connectOptions.path })
      : net.connect({ host: '127.0.0.1', port: server.connectOptions.port as number });
  socket.on('error', () => {});
  await once(socket, 'connect');
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.resume();
  if (kind === 'reset') {
    // ECONNRESET if the server was waiting for data; if the reset overtakes unread data, the OS reports a
    // plain end of stream (Linux), so the cut frame is ERR_TRUNCATED_FRAME. Either is a coded refusal.
    bump(stats.misbehaviours, 'ECONNRESET|ERR_TRUNCATED_FRAME');
    socket.write(server.codec.encoder().encode(server.frame(2999)).subarray(0, 7));
    await new Promise((resolve) => setImmediate(resolve));
    socket.resetAndDestroy(); // TCP only: a Unix socket cannot send a reset
  } else if (kind === 'truncate') {
    bump(stats.misbehaviours, 'ERR_TRUNCATED_FRAME');
    socket.end(server.codec.encoder().encode(server.frame(2999)).subarray(0, 7)); // half a frame, then FIN
  } else if (kind === 'idle') {
    bump(stats.misbehaviours, 'ERR_IDLE_TIMEOUT');
  } else if (kind === 'dribble') {
    // One byte of a long line every 100 ms: never idle for IDLE_TIMEOUT, never done within FRAME_TIMEOUT.
    bump(stats.misbehaviours, 'ERR_FRAME_TIMEOUT');
    const dribbler = setInterval(() => socket.write('x'), 100);
    socket.once('close', () => clearInterval(dribbler));
    socket.write('x');
  } else if (kind === 'silentTls') {
    stats.silentTls++; // a TLS port, and not a byte: the handshake never starts
  } else if (kind === 'oversize') {
    bump(stats.misbehaviours, 'ERR_FRAME_TOO_LONG');
    socket.write(Uint8Array.of(0xff, 0xff, 0xff, 0x7f)); // a varint of 256 MiB: over the 64 KiB limit
  } else {
    bump(stats.misbehaviours, 'ERR_DECODE');
    socket.write('{"unterminated": \n');
  }
  await closed;
}

async function main(): Promise<number> {
  const baseline = resources();
  const startHeap = heapAfterGc();
  const path = join(tmpdir(), `sluice-soak-${process.pid}.sock`);
  const lp = lengthPrefixed({ width: 'varint', maxFrameLength: 64 * 1024 }) as Codec<unknown>;
  const servers = [
    await startServer(
      'tcp lines',
      lines({ maxFrameLength: 4096 }) as Codec<unknown>,
      text,
      { host: '127.0.0.1', port: 0 },
      (l) => ({ ...l.address }),
    ),
    await startServer('tcp lengthPrefixed', lp, bytes, { host: '127.0.0.1', port: 0 }, (l) => ({ ...l.address })),
    await startServer(
      'tcp json',
      json({ maxFrameLength: 4096 }) as Codec<unknown>,
      (i) => ({ i, text: text(i), list: [i, i / 2] }),
      { host: '127.0.0.1', port: 0 },
      (l) => ({ ...l.address }),
    ),
    await startServer('ipc lengthPrefixed', lp, bytes, { path }, () => ({ path })),
    await startServer(
      'tls lines',
      lines({ maxFrameLength: 4096 }) as Codec<unknown>,
      text,
      { host: '127.0.0.1', port: 0, tls: { key: fixture('server.key'), cert: fixture('server.crt') } },
      (l) => ({ host: 'localhost', port: 'port' in l.address ? l.address.port : 0, tls: { ca } }),
    ),
  ];
  const byName = (name: string) => servers.find((s) => s.name === name)!;
  const plain = servers.filter((s) => !s.name.startsWith('tls'));

  const samples: { second: number; rssMiB: number; heapMiB: number; sessions: number; frames: number }[] = [];
  const started = performance.now();
  const sampler = setInterval(() => {
    const memory = process.memoryUsage();
    const sample = {
      second: Math.round((performance.now() - started) / 1000),
      rssMiB: Math.round(memory.rss / 2 ** 20),
      heapMiB: Math.round(memory.heapUsed / 2 ** 20),
      sessions: stats.sessions,
      frames: stats.framesEchoed,
    };
    samples.push(sample);
    if (!JSON_OUTPUT)
      console.log(
        `  t=${sample.second}s rss ${sample.rssMiB} MiB, heap ${sample.heapMiB} MiB, ${sample.sessions} sessions, ${sample.frames} frames`,
      );
  }, 1000);

  const deadline = started + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const roll = random();
      if (roll < 0.8) await goodSession(roll < 0.08 ? byName('tls lines') : pick(plain));
      else if (roll < 0.84) await misbehave(byName('tcp lengthPrefixed'), 'reset');
      else if (roll < 0.87)
        await misbehave(pick([byName('tcp lengthPrefixed'), byName('ipc lengthPrefixed')]), 'truncate');
      else if (roll < 0.89) await misbehave(pick(plain), 'idle');
      else if (roll < 0.92)
        await misbehave(pick([byName('tcp lengthPrefixed'), byName('ipc lengthPrefixed')]), 'oversize');
      else if (roll < 0.95) await misbehave(byName('tcp json'), 'invalid');
      else if (roll < 0.98) await misbehave(byName('tcp lines'), 'dribble');
      else await misbehave(byName('tls lines'), 'silentTls');
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(sampler);
  for (const server of servers) await server.listener.close();
  await Promise.all(servers.map((server) => server.served));

  const leaked = await settledLeaks(baseline);
  const heapGrowthMiB = (heapAfterGc() - startHeap) / 2 ** 20;
  // Every misbehaviour must be answered with one of its codes: check each set of codes against what it may absorb.
  const observed = (codes: string[]) => codes.reduce((n, code) => n + (stats.serverErrors[code] ?? 0), 0);
  const expectedWithin = (codes: string[]) =>
    Object.entries(stats.misbehaviours)
      .filter(([key]) => key.split('|').every((code) => codes.includes(code)))
      .reduce((n, [, count]) => n + count, 0);
  const missing = Object.keys(stats.misbehaviours)
    .map((key) => key.split('|'))
    .filter((codes) => observed(codes) < expectedWithin(codes))
    .map((codes) => [codes.join(' or '), expectedWithin(codes), observed(codes)] as const);
  const handshakeFailures = byName('tls lines').listener.counters.handshakeFailures;
  const allowed = new Set(Object.keys(stats.misbehaviours).flatMap((key) => key.split('|')));
  const unexpected = Object.keys(stats.serverErrors).filter((code) => !allowed.has(code));
  const report = {
    seconds: SECONDS,
    seed: SEED,
    concurrency: CONCURRENCY,
    ...stats,
    connectionsPerSecond: Math.round((stats.sessions + sum(stats.misbehaviours)) / SECONDS),
    samples,
    heapGrowthMiB: Number(heapGrowthMiB.toFixed(2)),
    leaked,
    failures: [
      ...(stats.framesLost > 0 ? [`${stats.framesLost} frames lost or corrupted`] : []),
      ...Object.entries(stats.clientFailures).map(([what, n]) => `${n} well-behaved sessions failed (${what})`),
      ...missing.map(([codes, n, seen]) => `${n} misbehaviours expected ${codes}, server reported ${seen}`),
      ...unexpected.map((code) => `unexpected server error ${code}`),
      ...Object.entries(leaked).map(([name, n]) => `${n} ${name} leaked`),
      ...(heapGrowthMiB > 16 ? [`heap grew by ${heapGrowthMiB.toFixed(1)} MiB`] : []),
      ...(handshakeFailures < stats.silentTls
        ? [`${stats.silentTls} silent TLS clients, ${handshakeFailures} dropped by handshakeTimeout`]
        : []),
      ...(stats.sessions === 0 ? ['no session completed'] : []),
    ],
  };
  if (JSON_OUTPUT) console.log(JSON.stringify(report));
  else {
    console.log(`\nsoak: ${SECONDS}s, seed ${SEED}, ${CONCURRENCY} clients at a time`);
    console.log(
      `  ${stats.sessions} sessions, ${stats.framesEchoed}/${stats.framesSent} frames echoed (${(stats.bytesSent / 2 ** 20).toFixed(1)} MiB), ${report.connectionsPerSecond} connections/s`,
    );
    console.log(`  misbehaviours: ${JSON.stringify(stats.misbehaviours)}`);
    console.log(`  silent TLS clients: ${stats.silentTls}, dropped by handshakeTimeout: ${handshakeFailures}`);
    console.log(`  server errors: ${JSON.stringify(stats.serverErrors)}`);
    console.log(`  heap growth after gc: ${report.heapGrowthMiB} MiB; leaked handles: ${JSON.stringify(leaked)}`);
    console.log(report.failures.length === 0 ? '  OK' : `  FAILED:\n    ${report.failures.join('\n    ')}`);
  }
  return report.failures.length === 0 ? 0 : 1;
}

const sum = (table: Record<string, number>) => Object.values(table).reduce((a, b) => a + b, 0);

/** Live resources by name (sockets, servers, timers, …). */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) bump(counts, name);
  return counts;
}

/** What is live beyond `baseline`, once every handle had the chance to close (waiting turn by turn, 5 s at most). */
async function settledLeaks(baseline: Record<string, number>): Promise<Record<string, number>> {
  const extra = () =>
    Object.fromEntries(
      Object.entries(resources())
        .map(([name, n]) => [name, n - (baseline[name] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
  const limit = Date.now() + 5000;
  while (Object.keys(extra()).length > 0 && Date.now() < limit) await new Promise((resolve) => setImmediate(resolve));
  return extra();
}

function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

process.exitCode = await main();
