/**
 * A WebSocket endpoint beside an Express app: `app.listen()` returns the
 * `node:http` server it runs on, and `listen({ server, path })` of
 * `@sluice/ws` takes the WebSocket upgrades for one path from it. Express
 * keeps every other request (its routes, its middleware); Sluice gives the
 * WebSocket side a `Connection` with codecs, `serve()` and a graceful
 * shutdown. (Fastify: the same with `fastify.server`, once it listens.)
 *
 * Here an Express route and a WebSocket path share a counter: POST /hits adds
 * to it, and every client of ws://…/hits hears each new value.
 *
 * Run:   pnpm exec tsx examples/ws-express.ts     (port 7010, or PORT=…; PORT=0 picks a free one)
 * Then:  pnpm exec tsx packages/sluice/src/cli.ts connect ws://127.0.0.1:7010/hits
 *        and, elsewhere, curl -X POST 127.0.0.1:7010/hits
 *
 * With SLUICE_EXAMPLE_ONCE=1 it picks a free port, talks to itself, and exits.
 */
import { once } from 'node:events';
import { json } from '@sluice/codec';
import { channel } from '@sluice/core';
import { connect, listen, messages } from '@sluice/ws';
import express from 'express';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7010));

let hits = 0;
/** Each WebSocket client's writer, to tell it the new count. */
const watchers = new Set<(count: number) => void>();

// The Express app, as it was.
const app = express();
app.get('/hits', (_request, response) => {
  response.json({ hits });
});
app.post('/hits', (_request, response) => {
  hits++;
  for (const tell of watchers) tell(hits);
  response.json({ hits });
});
const server = app.listen(PORT, '127.0.0.1');
await once(server, 'listening').catch((error: NodeJS.ErrnoException) => {
  const taken = error.code === 'EADDRINUSE';
  console.error(`ws-express: ${taken ? `port ${PORT} is taken (try PORT=0 for a free one)` : error.message}`);
  process.exit(1);
});
const { port } = server.address() as { port: number };

// The WebSocket path on Express's server.
const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());
const live = await listen({ server, path: '/hits' });
console.log(`Express on http://127.0.0.1:${port}/hits, live counts on ws://127.0.0.1:${port}/hits`);

const serving = live.serve(
  async (conn, { signal }) => {
    const io = conn.framed(json<{ hits: number }>({ framing: messages() }));
    // Counts wait in a small bounded queue that its writer drains at this client's pace; a client too slow to take
    // them misses old ones, never holds the others up. The writer fails once the client has gone: nothing to do then.
    const counts = channel<{ hits: number }>({ capacity: 8, overflow: 'drop-oldest' });
    const writing = io.writeAll(counts).catch(() => {});
    const tell = (count: number) => counts.offer({ hits: count });
    counts.offer({ hits });
    watchers.add(tell);
    // On shutdown: send what is queued, then close (the read loop below ends).
    const onShutdown = () => {
      counts.end();
      void writing.then(() => io.close()).catch(() => {});
    };
    signal.addEventListener('abort', onShutdown, { once: true });
    try {
      for await (const _ of io); // the client sends nothing we need: this ends when it leaves
    } finally {
      signal.removeEventListener('abort', onShutdown);
      watchers.delete(tell);
      counts.end();
      await writing;
    }
  },
  { signal: shutdown.signal },
);

if (ONCE) {
  await using conn = await connect(`ws://127.0.0.1:${port}/hits`, { timeout: 5000 });
  const io = conn.framed(json<{ hits: number }>({ framing: messages() }));
  console.log('ws: now', JSON.stringify(await io.read()));
  for (let i = 0; i < 3; i++) {
    const posted = await (await fetch(`http://127.0.0.1:${port}/hits`, { method: 'POST' })).json();
    console.log(`POST /hits -> ${JSON.stringify(posted)}; ws heard ${JSON.stringify(await io.read())}`);
  }
  shutdown.abort();
} else {
  const client = `pnpm sluice connect ws://127.0.0.1:${port}/hits`;
  console.log(`serving; try: ${client} and, elsewhere, curl -X POST 127.0.0.1:${port}/hits   (Ctrl-C stops)`);
}

await serving; // the WebSocket listener is closed; Express's server is yours to stop
server.close();
await once(server, 'close');
console.log('Express and the WebSocket path stopped');
