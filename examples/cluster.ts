/**
 * Beyond one core: `node:cluster` workers share one listening port through
 * Sluice's `listen()`, and are restarted one at a time without losing a
 * connection.
 *
 * - The primary forks `SLUICE_WORKERS` workers (default: one per core, at
 *   least 2). Each calls `listen({ port })`: in a cluster the primary owns the
 *   listening socket and hands each new connection to a worker (round-robin
 *   on Linux). With `port: 0` every worker gets the same port.
 * - Each worker serves NDJSON and answers every message with its own pid.
 * - A graceful restart forks a replacement, waits until it listens, then asks
 *   the old worker to stop: it closes its listener (new connections go to the
 *   others), lets its handlers finish their sessions, and exits.
 *
 * Run:
 *   pnpm exec tsx examples/cluster.ts                         serve on PORT (default 7070); SIGHUP restarts
 *                                                             the workers one by one, SIGINT/SIGTERM stops
 *   SLUICE_EXAMPLE_ONCE=1 pnpm exec tsx examples/cluster.ts   self-check on a free port: clients, a restart
 *                                                             mid-session, exit 0 if nothing was lost
 *
 * The primary prints one JSON line per event (listening, draining, exited, …).
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { json } from '@sluice/codec';
import { connect, listen } from '@sluice/net';

interface Message {
  client: number;
  seq: number;
  pid?: number;
}
type Control = { type: 'listening'; port: number } | { type: 'draining' } | { type: 'stop' };

const HOST = '127.0.0.1';
const emit = (event: Record<string, unknown>) => console.log(JSON.stringify(event));

if (cluster.isPrimary) await primary();
else await worker();

// ---------------------------------------------------------------- worker

async function worker(): Promise<void> {
  const stop = new AbortController();
  const listener = await listen({ host: HOST, port: Number(process.env['PORT']), idleTimeout: 60_000 });
  process.on('message', (message: Control) => {
    if (message.type !== 'stop') return;
    void listener.close().then(() => {
      process.send?.({ type: 'draining' } satisfies Control); // no new connections reach this worker now
      stop.abort();
    });
  });
  process.send?.({ type: 'listening', port: 'port' in listener.address ? listener.address.port : 0 } satisfies Control);
  // Resolves once the listener is closed and every session has ended (30 s at most).
  await listener.serve(
    async (conn) => {
      const io = conn.framed(json<Message>());
      for await (const message of io) await io.write({ ...message, pid: process.pid });
    },
    {
      signal: stop.signal,
      shutdownTimeout: 30_000,
      onError: (error) => console.error(`worker ${process.pid}:`, error),
    },
  );
  process.disconnect(); // nothing left open: the worker exits with code 0
}

// ---------------------------------------------------------------- primary

async function primary(): Promise<void> {
  const count = Math.max(2, Number(process.env['SLUICE_WORKERS'] ?? availableParallelism()));
  cluster.setupPrimary({ execArgv: ['--import', 'tsx'] }); // workers run this TypeScript file too
  const once = process.env['SLUICE_EXAMPLE_ONCE'] === '1';
  // Every worker, replacements too, listens on the port as configured: the primary shares one socket per
  // address and port *as asked*, so 0 must stay 0 (asking for the port 0 resolved to would be a second bind).
  const asked = Number(process.env['PORT'] ?? (once ? 0 : 7070));
  const first = await Promise.all(Array.from({ length: count }, () => fork(asked)));
  const port = first[0]!.port;
  const workers = first.map((started) => started.worker);
  emit({ event: 'listening', host: HOST, port, pids: workers.map(pidOf) });

  /** Replaces `old` by a fresh worker; resolves with the old one's exit code once its sessions are done. */
  const restart = async (old: Worker): Promise<number> => {
    const { worker: fresh } = await fork(asked);
    workers[workers.indexOf(old)] = fresh;
    const code = await stop(old);
    emit({ event: 'restarted', old: pidOf(old), new: pidOf(fresh), code });
    return code;
  };

  if (once) {
    const ok = await selfCheck(port, workers, restart);
    await Promise.all(workers.map(stop));
    process.exit(ok ? 0 : 1);
  }

  let rolling = Promise.resolve();
  process.on('SIGHUP', () => {
    rolling = rolling.then(async () => {
      for (const old of [...workers]) await restart(old);
      emit({ event: 'rolled', pids: workers.map(pidOf) });
    });
  });
  const shutdown = async () => {
    await rolling;
    const codes = await Promise.all(workers.map(stop));
    emit({ event: 'stopped', codes });
    process.exit(codes.every((code) => code === 0) ? 0 : 1);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** Forks a worker listening on `port` (0: any free port, the same for every worker). */
function fork(port: number): Promise<{ worker: Worker; port: number }> {
  const worker = cluster.fork({ PORT: String(port) });
  return new Promise((resolve, reject) => {
    worker.on('message', (message: Control) => {
      if (message.type === 'listening') resolve({ worker, port: message.port });
    });
    worker.once('exit', (code) => reject(new Error(`worker ${pidOf(worker)} exited with ${code} before listening`)));
  });
}

/** Asks a worker to stop gracefully; resolves with its exit code. */
function stop(worker: Worker): Promise<number> {
  const exited = new Promise<number>((resolve) => worker.once('exit', (code) => resolve(code ?? 1)));
  worker.on('message', (message: Control) => {
    if (message.type === 'draining') emit({ event: 'draining', pid: pidOf(worker) });
  });
  if (worker.isConnected()) worker.send({ type: 'stop' } satisfies Control);
  return exited.then((code) => {
    emit({ event: 'exited', pid: pidOf(worker), code });
    return code;
  });
}

function pidOf(worker: Worker): number {
  return worker.process.pid ?? 0;
}

// ---------------------------------------------------------------- self-check

/** A client session that stays open: each message comes back with the pid of the worker serving it. */
async function openSession(port: number, client: number) {
  const conn = await connect({ host: HOST, port, timeout: 10_000 });
  const io = conn.framed(json<Message>());
  const replies = io[Symbol.asyncIterator]();
  const ask = async (seq: number) => {
    await io.write({ client, seq });
    const reply = await replies.next();
    if (reply.done || reply.value.client !== client || reply.value.seq !== seq)
      throw new Error(`client ${client}: frame ${seq} lost`);
    return reply.value.pid!;
  };
  const pid = await ask(0);
  return {
    pid,
    ask,
    async end() {
      await io.closeWrite();
      if (!(await replies.next()).done) throw new Error(`client ${client}: unexpected frame`);
      await conn.close();
    },
  };
}

async function selfCheck(port: number, workers: Worker[], restart: (old: Worker) => Promise<number>): Promise<boolean> {
  const sessions = await Promise.all(Array.from({ length: 40 }, (_, client) => openSession(port, client)));
  const answered = [...new Set(sessions.map((s) => s.pid))];
  // Restart the worker with the most open sessions, while they are open.
  const busiest = answered.reduce((a, b) => (count(sessions, b) > count(sessions, a) ? b : a));
  const old = workers.find((w) => pidOf(w) === busiest)!;
  const draining = new Promise<void>((resolve) =>
    old.on('message', (m: Control) => m.type === 'draining' && resolve()),
  );
  const restarted = restart(old);
  await draining;
  // New connections go to the other workers ...
  const fresh = await Promise.all(Array.from({ length: 20 }, (_, i) => openSession(port, 100 + i)));
  // ... while the sessions already open, the restarting worker's too, carry on to the end.
  let frames = sessions.length + fresh.length;
  let echoed = frames;
  for (const session of [...sessions, ...fresh]) {
    for (let seq = 1; seq <= 5; seq++, frames++) if ((await session.ask(seq)) === session.pid) echoed++;
    await session.end();
  }
  const exitCode = await restarted;
  const summary = {
    workers: workers.length,
    answered,
    restarted: busiest,
    sessionsOnRestarted: count(sessions, busiest),
    freshOnRestarted: count(fresh, busiest),
    frames,
    echoed,
    exitCode,
  };
  const ok = answered.length > 1 && summary.freshOnRestarted === 0 && echoed === frames && exitCode === 0;
  emit({ event: 'summary', ok, ...summary });
  return ok;
}

function count(sessions: { pid: number }[], pid: number): number {
  return sessions.filter((s) => s.pid === pid).length;
}
