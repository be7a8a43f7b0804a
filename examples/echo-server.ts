/**
 * An echo server: every line a client sends comes straight back.
 *
 * Shows `listen()`, `listener.serve()` (one handler per connection, all
 * running at once), `conn.framed(lines())`, and a graceful stop on Ctrl-C
 * through an `AbortSignal`.
 *
 * Run:   pnpm exec tsx examples/echo-server.ts          (port 7000, or PORT=…)
 * Then:  pnpm exec tsx examples/echo-client.ts hello world
 *   or:  nc 127.0.0.1 7000
 *
 * With SLUICE_EXAMPLE_ONCE=1 it serves one connection, then exits.
 */
import { lines, listen } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7000));

// Ctrl-C (or the end of the first connection, with ONCE) stops the server:
// it stops accepting, lets running handlers finish, then `serve()` resolves.
const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());
process.once('SIGTERM', () => shutdown.abort());

const listener = await listen({ host: '127.0.0.1', port: PORT, idleTimeout: 60_000 });
const { host, port } = listener.address as { host: string; port: number };
console.log(`echo server listening on ${host}:${port}`);

await listener.serve(
  async (conn) => {
    console.log('client connected:', conn.remoteAddress);
    const io = conn.framed(lines());
    // `for await` pulls one line at a time; `await io.write()` waits while the
    // client is slow to read, so one greedy client cannot fill our memory.
    for await (const line of io) await io.write(line);
    // The client half-closed and we have answered everything: returning ends
    // the connection gracefully (serve() closes it).
    console.log('client done:', conn.counters);
    if (ONCE) shutdown.abort();
  },
  { signal: shutdown.signal },
);
console.log('echo server stopped');
