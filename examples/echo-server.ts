/**
 * An echo server: every line a client sends comes straight back.
 *
 * Shows `listen()`, `listener.serve()` (one handler per connection, all
 * running at once), `conn.framed(lines())`, and a graceful stop on Ctrl-C
 * through an `AbortSignal`.
 *
 * Run:   pnpm exec tsx examples/echo-server.ts          (port 7000, or PORT=…; PORT=0 picks a free one)
 * Then:  pnpm exec tsx examples/echo-client.ts hello world   (the same PORT=…, if you changed it)
 *   or:  nc 127.0.0.1 7000
 *
 * With SLUICE_EXAMPLE_ONCE=1 it serves one connection, then exits.
 */
import { lines, listen } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
// The client's default too, so that the two find each other.
const PORT = Number(process.env.PORT ?? 7000);

// Ctrl-C (or the end of the first connection, with ONCE) stops the server:
// it stops accepting, lets running handlers finish, then `serve()` resolves.
const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());
process.once('SIGTERM', () => shutdown.abort());

const listener = await listen({ host: '127.0.0.1', port: PORT, idleTimeout: 60_000 }).catch(
  (error: NodeJS.ErrnoException) => {
    const reason = error.code === 'EADDRINUSE' ? 'the port is taken (try PORT=0 for a free one)' : error.message;
    console.error(`echo server: cannot listen on 127.0.0.1:${PORT}: ${reason}`);
    process.exit(1);
  },
);
const { host, port } = listener.address as { host: string; port: number };
console.log(`echo server listening on ${host}:${port}`);
if (!ONCE) {
  const client = `${port === 7000 ? '' : `PORT=${port} `}pnpm exec tsx examples/echo-client.ts hello`;
  console.log(`serving; try: ${client}, or nc ${host} ${port}   (Ctrl-C stops)`);
}

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
