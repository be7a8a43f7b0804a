/**
 * Beyond one core: `examples/cluster.ts` runs `node:cluster` workers that
 * share one port through `listen()`. Connections must spread over the
 * workers, and a graceful restart must lose nothing: the restarting worker
 * finishes the sessions it has, new connections go to the others.
 */

import { json } from '@sluice/codec';
import { connect } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { type Child, startTs } from '../support/processes.js';

interface Message {
  client: number;
  seq: number;
  pid?: number;
}

/** A JSON session kept open; every answer names the worker pid that served it. */
async function openSession(port: number, client: number) {
  const io = (await connect({ host: '127.0.0.1', port, timeout: 10_000 })).framed(json<Message>());
  const replies = io[Symbol.asyncIterator]();
  const ask = async (seq: number): Promise<number> => {
    await io.write({ client, seq });
    const reply = await replies.next();
    expect(reply.done ? 'the end' : reply.value).toMatchObject({ client, seq });
    return (reply.value as Message).pid!;
  };
  const pid = await ask(0);
  return {
    pid,
    ask,
    async end() {
      await io.closeWrite();
      expect((await replies.next()).done).toBe(true);
      await io.close();
    },
  };
}

/** Resolves with the next JSON event line matching `event` (and `pid`) that the primary prints. */
async function event(child: Child, name: string, pid?: number): Promise<Record<string, unknown>> {
  const pattern = new RegExp(`^\\{"event":"${name}"${pid === undefined ? '' : `,"pid":${pid}`}.*\\}$`, 'm');
  const [line] = await child.waitFor(pattern, 30_000);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('node:cluster workers sharing one port through listen()', () => {
  it('the example serves from several workers and restarts them one by one while sessions are open, losing nothing', async () => {
    const primary = startTs('examples/cluster.ts', [], { PORT: '0', SLUICE_WORKERS: '3' });
    try {
      const listening = await event(primary, 'listening');
      const port = listening['port'] as number;
      const original = listening['pids'] as number[];
      expect(original).toHaveLength(3);

      const sessions = await Promise.all(Array.from({ length: 30 }, (_, client) => openSession(port, client)));
      const answered = new Set(sessions.map((s) => s.pid));
      expect(answered.size).toBeGreaterThan(1); // spread across workers
      for (const pid of answered) expect(original).toContain(pid);

      primary.process.kill('SIGHUP'); // a rolling restart: one worker at a time
      const draining = (await event(primary, 'draining'))['pid'] as number;
      expect(original).toContain(draining);
      // While it drains, new connections go to the other workers ...
      const fresh = await Promise.all(Array.from({ length: 12 }, (_, i) => openSession(port, 100 + i)));
      expect(fresh.map((s) => s.pid)).not.toContain(draining);
      // ... and every open session, the draining worker's too, is served to its end by the same worker.
      const onDraining = sessions.filter((s) => s.pid === draining).length;
      for (const session of [...sessions, ...fresh]) {
        for (let seq = 1; seq <= 5; seq++) expect(await session.ask(seq)).toBe(session.pid);
        await session.end();
      }
      expect(await event(primary, 'exited', draining)).toMatchObject({ code: 0 });
      const rolled = (await event(primary, 'rolled'))['pids'] as number[];
      expect(rolled.filter((pid) => original.includes(pid))).toEqual([]);
      // After the roll, the new workers serve.
      const after = await Promise.all(Array.from({ length: 6 }, (_, i) => openSession(port, 200 + i)));
      for (const session of after) {
        expect(rolled).toContain(session.pid);
        await session.end();
      }
      console.log(
        `cluster: ${answered.size} of 3 workers answered 30 sessions (${onDraining} on the first restarted one), ` +
          `${(30 + 12) * 6 + 6} frames round-tripped, all 3 workers replaced`,
      );
      primary.process.kill('SIGTERM');
      expect(await primary.exited).toBe(0);
      expect(await event(primary, 'stopped')).toMatchObject({ codes: [0, 0, 0] });
    } finally {
      primary.process.kill('SIGKILL'); // only if a check failed before the graceful stop
      await primary.exited;
    }
  }, 90_000);

  it('the example, run once (SLUICE_EXAMPLE_ONCE=1), checks itself and exits 0', async () => {
    const primary = startTs('examples/cluster.ts', [], { SLUICE_EXAMPLE_ONCE: '1', SLUICE_WORKERS: '2' });
    const summary = await event(primary, 'summary');
    expect(await primary.exited).toBe(0);
    expect(summary).toMatchObject({ ok: true, freshOnRestarted: 0, exitCode: 0 });
    expect((summary['answered'] as number[]).length).toBe(2);
    expect(summary['sessionsOnRestarted']).toBeGreaterThan(0);
    expect(summary['echoed']).toBe(summary['frames']);
  }, 60_000);

  // When the cluster primary disconnects a worker it closes the worker's server
  // underneath the Listener; serve() must still resolve (otherwise the worker
  // ends with exit code 13, an unsettled top-level await).
  it('a worker the primary disconnects sees serve() resolve once its connections are done', async () => {
    const child = startTs('packages/net/test/support/cluster-disconnect.ts');
    const [line] = await child.waitFor(/^\{.*\}$/m, 30_000);
    expect(await child.exited).toBe(0);
    expect(JSON.parse(line)).toEqual({ exitCode: 0, serveResolved: true });
  }, 60_000);
});
