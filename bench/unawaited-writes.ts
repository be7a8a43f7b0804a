/**
 * What writes nobody awaits cost when the peer does not read: 300,000 writes
 * of 1 KiB, not awaited, to a raw peer that never reads; memory before and
 * after, for Sluice (default `writeCapacity`, then `Infinity`) and plain
 * `node:net`, each in a process of its own. Run: `pnpm build && pnpm bench:one bench/unawaited-writes.ts`.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { connect } from '@sluice/net';

const WRITES = 300_000;
const SIZE = 1024;

/** A server whose sockets never read. */
async function stalledServer(): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    socket.pause();
    socket.on('error', () => {});
    sockets.add(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** Memory after garbage collection (twice, a turn apart, so that freed buffers are counted as freed). */
async function reachableMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 2; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage();
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** What a run did, and how to tear it down once memory is measured. */
interface Run {
  outcome: string;
  destroy(): void;
}

/** Runs the writes, then reports how much memory stayed reachable (garbage collected first). */
async function measure(name: string, run: (port: number) => Promise<Run>): Promise<void> {
  const server = await stalledServer();
  const before = await reachableMemory();
  const { outcome, destroy } = await run(server.port);
  const after = await reachableMemory();
  destroy();
  const grown = after.heapUsed + after.external - (before.heapUsed + before.external); // external holds the buffers
  console.log(`${name.padEnd(40)} memory ${mib(grown).padStart(10)}   ${outcome}`);
  server.close();
}

const chunk = () => new Uint8Array(SIZE);

const sluiceCase = (writeCapacity: number | undefined) => () =>
  measure(`sluice write(), writeCapacity ${writeCapacity ?? 'default'}`, async (port) => {
    const conn = await connect({ host: '127.0.0.1', port, writeCapacity });
    let refused = 0;
    let failedWith = '';
    for (let i = 0; i < WRITES; i++) {
      conn.write(chunk()).catch((error: { code?: string }) => {
        refused++;
        failedWith = error.code ?? String(error);
      });
      if (conn.destroyed) break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    const outcome = refused === 0 ? 'no write refused' : `the connection failed with ${failedWith}`;
    return { outcome, destroy: () => conn.destroy() };
  });

const CASES: Record<string, () => Promise<void>> = {
  node: () =>
    measure('node:net socket.write', async (port) => {
      const socket = net.connect(port, '127.0.0.1');
      await once(socket, 'connect');
      for (let i = 0; i < WRITES; i++) socket.write(chunk());
      return { outcome: `${mib(socket.writableLength)} waiting in the socket`, destroy: () => socket.destroy() };
    }),
  sluice: sluiceCase(undefined),
  'sluice-unbounded': sluiceCase(Number.POSITIVE_INFINITY),
};

const only = process.argv[2];
if (only !== undefined) await CASES[only]?.();
else {
  for (const name of Object.keys(CASES)) {
    process.stdout.write(execFileSync(process.execPath, [...process.execArgv, process.argv[1] as string, name]));
  }
}
