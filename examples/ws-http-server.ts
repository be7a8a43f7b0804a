/**
 * A WebSocket endpoint on the `node:http` server you already run: plain HTTP
 * routes and WebSocket paths on one port, with `listen({ server, path })` of
 * `@sluice/ws`.
 *
 * The listener takes only the upgrades for its `path`; every other request
 * stays your server's, and several listeners can share the server on
 * different paths (here `/echo` and `/shout`). Closing a listener leaves the
 * server running: you stop it as you always have. examples/ws-express.ts does
 * the same beside Express.
 *
 * Run:   pnpm exec tsx examples/ws-http-server.ts     (port 7009, or PORT=…; PORT=0 picks a free one)
 * Then:  curl 127.0.0.1:7009/health, and a WebSocket client on ws://127.0.0.1:7009/echo
 *        (pnpm exec tsx packages/sluice/src/cli.ts connect ws://127.0.0.1:7009/shout)
 *
 * With SLUICE_EXAMPLE_ONCE=1 it picks a free port, talks to itself, and exits.
 */
import { once } from 'node:events';
import http from 'node:http';
import { json, lines } from '@sluice/codec';
import { connect, listen, messages } from '@sluice/ws';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7009));

// Your server, as it was: ordinary HTTP routes.
const server = http.createServer((request, response) => {
  if (request.url === '/health') response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  else response.writeHead(404).end();
});
server.listen(PORT, '127.0.0.1');
await once(server, 'listening').catch((error: NodeJS.ErrnoException) => {
  const taken = error.code === 'EADDRINUSE';
  console.error(`ws-http-server: ${taken ? `port ${PORT} is taken (try PORT=0 for a free one)` : error.message}`);
  process.exit(1);
});
const { port } = server.address() as { port: number };

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());

// Two WebSocket paths on it. The listeners bind nothing: the server is listening already.
const echo = await listen({ server, path: '/echo' });
const shout = await listen({ server, path: '/shout' });
console.log(`http://127.0.0.1:${port}/health, ws://127.0.0.1:${port}/echo and /shout on one server`);

const serving = Promise.all([
  // One JSON value per WebSocket message, sent back as it came.
  echo.serve(
    async (conn) => {
      const io = conn.framed(json({ framing: messages() }));
      for await (const value of io) await io.write(value);
    },
    { signal: shutdown.signal },
  ),
  // Lines, whatever the messages' cuts, upper-cased.
  shout.serve(
    async (conn) => {
      const io = conn.framed(lines());
      for await (const line of io) await io.write(line.toUpperCase());
    },
    { signal: shutdown.signal },
  ),
]);

if (ONCE) {
  const health = await fetch(`http://127.0.0.1:${port}/health`);
  console.log(`GET /health: ${health.status} ${await health.text()}`);
  {
    await using conn = await connect(`ws://127.0.0.1:${port}/echo`, { timeout: 5000 });
    const io = conn.framed(json({ framing: messages() }));
    await io.write({ hello: 'from a client', n: 1 });
    console.log('/echo:', JSON.stringify(await io.read()));
  }
  {
    await using conn = await connect(`ws://127.0.0.1:${port}/shout`, { timeout: 5000 });
    const io = conn.framed(lines());
    await io.write('quiet words');
    console.log('/shout:', await io.read());
  }
  // A path no listener takes: answered 404, as a plain HTTP request for it would be.
  await connect(`ws://127.0.0.1:${port}/nowhere`, { timeout: 5000 }).then(
    (conn) => conn.destroy(),
    (error: Error) => console.log('/nowhere:', error.message),
  );
  shutdown.abort();
} else {
  console.log(
    `serving; try: curl 127.0.0.1:${port}/health, or pnpm sluice connect ws://127.0.0.1:${port}/shout   (Ctrl-C stops)`,
  );
}

await serving; // the signal stops serving and closes both listeners...
console.log(`listeners listening: ${echo.listening || shout.listening}; the server: ${server.listening}`);
server.close(); // ...and the server is yours to stop
await once(server, 'close');
console.log('server stopped');
