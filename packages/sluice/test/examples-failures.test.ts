/**
 * What the programs in examples/ say when they cannot do their job, run as a
 * newcomer would run them (`node --import tsx examples/<name>.ts` from the
 * repository root): a port already taken, a socket file held by a live server
 * (and one left by a dead process, taken over), nothing listening where the
 * client connects, no Redis. Each says so in one line, without a stack trace,
 * and exits with 1.
 */
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeExit, runNode, runTs } from './support/child.js';
import { ONCE, runExample, TIMEOUT } from './support/examples.js';

describe('examples/', () => {
  it('metrics.ts says in one line that a port is taken, and exits 1', { timeout: TIMEOUT }, async () => {
    const taken = net.createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = String((taken.address() as net.AddressInfo).port);
    try {
      for (const [variable, env] of [
        ['PORT', { PORT: port }],
        ['METRICS_PORT', { PORT: '0', METRICS_PORT: port }],
      ] as const) {
        const exit = await runTs('examples/metrics.ts', { env: { ...ONCE, ...env }, timeout: TIMEOUT - 5000 }).exited;
        expect(exit.code, describeExit('metrics.ts', exit)).toBe(1);
        expect(exit.stderr.trimEnd()).toBe(
          `port ${port} is already in use: stop what holds it, or set ${variable} to another port`,
        );
      }
    } finally {
      taken.close();
    }
  });

  it.skipIf(process.platform === 'win32')(
    'ipc.ts takes over a socket file left by a dead process, and says in one line when a live server holds it',
    { timeout: TIMEOUT },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-ipc-test-'));
      const path = join(dir, 'control.sock');
      try {
        // A process that dies without closing its server leaves the socket file behind.
        const dead = runNode([
          '-e',
          `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`,
        ]);
        await dead.waitFor(/up/);
        dead.process.kill('SIGKILL');
        await dead.exited;
        expect(existsSync(path), 'a stale socket file').toBe(true);
        const { stdout } = await runExample('ipc.ts', { SOCKET: path });
        expect(stdout).toMatch(/\{"cmd":"status"\} -> \{"ok":true/);
        expect(existsSync(path), 'removed on close').toBe(false);

        const live = net.createServer().listen(path);
        await once(live, 'listening');
        try {
          const exit = await runTs('examples/ipc.ts', { env: { ...ONCE, SOCKET: path }, timeout: TIMEOUT - 5000 })
            .exited;
          expect(exit.code, describeExit('ipc.ts', exit)).toBe(1);
          expect(exit.stderr.trimEnd()).toBe(
            `ipc: a server is listening on ${path} already: stop it, or set SOCKET to another path`,
          );
        } finally {
          live.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('echo-client.ts says in one line that nothing listens, when nothing does', { timeout: TIMEOUT }, async () => {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve)); // a port where nothing listens
    const client = await runTs('examples/echo-client.ts', { env: { ...ONCE, PORT: String(port) } }).exited;
    expect(client.code, describeExit('echo-client.ts', client)).toBe(1);
    expect(client.stderr.trimEnd()).toMatch(
      new RegExp(`^echo-client: cannot connect to 127\\.0\\.0\\.1:${port}: nothing is listening there`),
    );
    expect(client.stderr.trimEnd().split('\n'), 'one line, no stack trace').toHaveLength(1);
  });

  it('redis-resp.ts says in one line how to start Redis, when none is running', { timeout: TIMEOUT }, async () => {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve)); // a port where nothing listens
    const exit = await runTs('examples/redis-resp.ts', { env: { REDIS_PORT: String(port) } }).exited;
    expect(exit.code, describeExit('redis-resp.ts', exit)).toBe(1);
    expect(exit.stderr.trimEnd()).toMatch(new RegExp(`^No Redis at 127\\.0\\.0\\.1:${port}: start one with`));
    expect(exit.stderr.trimEnd().split('\n'), 'one line, no stack trace').toHaveLength(1);
  });
});
