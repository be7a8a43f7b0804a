/**
 * Memory: (1) a connection whose consumer is slow while the peer floods stays
 * within its high-water marks, whatever the flood's size; (2) the cost of
 * 10,000 idle connections held by a Sluice listener, above the cost of the
 * same connections held by a plain `node:net` server. The clients live in a
 * child process so that this process holds only the server side.
 *
 * Run: pnpm build && pnpm bench:one bench/memory.ts [--quick]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { type Connection, connect, listen } from '@sluice/net';
import { type BenchOptions, drainedOrClosed, isMain, printRows, quickFromArgv, type Row, row } from './support.js';

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const used = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
};

/** Child mode: open `count` idle connections to `port`, report when done, hold them until told to stop. */
if (process.env.SLUICE_MEMORY_CLIENTS) {
  const [port, count] = process.env.SLUICE_MEMORY_CLIENTS.split(':').map(Number) as [number, number];
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - i) }, async () => {
        const socket = net.connect({ port, host: '127.0.0.1' });
        socket.on('error', () => {});
        sockets.push(socket);
        await once(socket, 'connect');
      }),
    );
  }
  process.send?.('connected');
  process.on('message', () => {
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  });
}

async function holdIdle(count: number, server: 'node' | 'sluice'): Promise<number> {
  const held: unknown[] = [];
  let port: number;
  let close: () => Promise<void>;
  let accepted = 0;
  const before = used();
  if (server === 'node') {
    const s = net.createServer((socket) => {
      held.push(socket);
      accepted++;
    });
    s.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
    await once(s, 'listening');
    port = (s.address() as net.AddressInfo).port;
    close = async () => {
      for (const socket of held as net.Socket[]) socket.destroy();
      await new Promise((r) => s.close(r));
    };
  } else {
    const listener = await listen({ host: '127.0.0.1', port: 0, acceptCapacity: count });
    port = 'port' in listener.address ? listener.address.port : 0;
    void (async () => {
      for await (const conn of listener) {
        held.push(conn);
        accepted++;
      }
    })();
    close = async () => {
      for (const conn of held as Connection[]) conn.destroy();
      await listener.close();
    };
  }
  const child = fork(new URL(import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SLUICE_MEMORY_CLIENTS: `${port}:${count}` },
  });
  await once(child, 'message');
  while (accepted < count) await new Promise((r) => setImmediate(r));
  const perConnection = (used() - before) / count;
  child.send('stop');
  await once(child, 'exit');
  await close();
  return perConnection;
}

async function floodedSlowConsumer(floodBytes: number): Promise<number> {
  const server = net.createServer(async (socket) => {
    const block = Buffer.alloc(1 << 20, 1);
    socket.on('error', () => {});
    for (let sent = 0; sent < floodBytes && !socket.destroyed; sent += block.length) {
      if (!socket.write(block)) await drainedOrClosed(socket);
    }
    socket.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const before = used();
  const conn = await connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
  const chunks = conn[Symbol.asyncIterator]();
  // Read one chunk, then stall while the peer floods; sample the growth.
  await chunks.next();
  let peak = 0;
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setImmediate(r));
    peak = Math.max(peak, used() - before);
  }
  conn.destroy();
  await new Promise((r) => server.close(r));
  return peak;
}

export async function run({ quick }: BenchOptions): Promise<Row[]> {
  const count = quick ? 2_000 : 10_000;
  const node = await holdIdle(count, 'node');
  const sluice = await holdIdle(count, 'sluice');
  const flood = await floodedSlowConsumer(quick ? 64 << 20 : 512 << 20);
  console.log(
    `  idle connections: node ${(node / 1024).toFixed(2)} KiB each, sluice ${(sluice / 1024).toFixed(2)} KiB each, extra ${((sluice - node) / 1024).toFixed(2)} KiB (target < 10 KiB)`,
  );
  console.log(
    `  slow consumer under a flood: memory grew by at most ${(flood / 2 ** 20).toFixed(2)} MiB (target: a few MiB, whatever the flood)`,
  );
  return [
    {
      ...row(`idle connection extra cost (${count} conns, KiB)`, ' KiB', (sluice - node) / 1024, 'limit', 10),
      ratio: 10 / Math.max(0.001, (sluice - node) / 1024),
      target: 1,
    },
    {
      ...row('slow consumer flood peak (MiB)', ' MiB', flood / 2 ** 20, 'limit', 4),
      ratio: 4 / Math.max(0.001, flood / 2 ** 20),
      target: 1,
    },
  ];
}

if (!process.env.SLUICE_MEMORY_CLIENTS && isMain(import.meta.url)) printRows('Memory', await run(quickFromArgv()));
