/**
 * RxJS in the browser: `webSocket$` of `@sluice/rx`, a WebSocket as an RxJS
 * subject that reconnects with `retry()`. One small Node process serves a
 * page (index.html + app.ts, bundled here with esbuild for the browser, from
 * the packages' sources: no `pnpm build` needed) and a WebSocket endpoint on
 * the same origin that sends the server's own live figures (event-loop
 * utilization, heap, clients) four times a second and answers pings.
 *
 * The page shows what its subject does: `openObserver` says hello on every
 * (re)connection, `next()` sends pings (round-trip time), and the "drop"
 * button asks the server to close the connection with code 4000: the subject
 * errors with a `WebSocketCloseError`, and `retry({ delay })` reconnects.
 *
 * Run:   pnpm exec tsx examples/browser/server.ts     (port 7011, or PORT=…; PORT=0 picks a free one)
 * Then open the URL it prints. Ctrl-C stops it.
 *
 * With SLUICE_EXAMPLE_ONCE=1 it picks a free port, checks that it serves the
 * page, runs the same webSocket$ code in Node against itself (the subject is
 * the same in both), and exits.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { firstValueFrom, retry, filter as rxFilter, take, toArray } from 'rxjs';
import { json, ws } from 'sluice';
import { webSocket$ } from 'sluice/rx';
import type { ClientMessage, ServerMessage } from './messages.js';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7011));
const STATS_MS = 250;
const file = (name: string) => fileURLToPath(new URL(name, import.meta.url));

// The page's program, bundled for the browser: the packages' browser entries (the platform's WebSocket, no Node).
const bundle = await build({
  entryPoints: [file('app.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  sourcemap: 'inline',
  logLevel: 'silent',
  alias: {
    '@sluice/ws': file('../../packages/ws/src/browser.ts'),
    '@sluice/rx': file('../../packages/rx/src/browser.ts'),
  },
});
const FILES: Record<string, { type: string; body: Uint8Array | string }> = {
  '/': { type: 'text/html; charset=utf-8', body: readFileSync(file('index.html')) },
  '/app.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0]!.contents },
};

const server = http.createServer((request, response) => {
  const served = request.method === 'GET' ? FILES[request.url ?? ''] : undefined;
  if (served === undefined) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': served.type, 'cache-control': 'no-store' }).end(served.body);
});
await new Promise<void>((listening, failed) => {
  server.once('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') return failed(error);
    console.error(`browser example: port ${PORT} is taken (try PORT=0 for a free one)`);
    process.exit(1);
  });
  server.listen(PORT, '127.0.0.1', listening);
});
const { port } = server.address() as { port: number };

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());
process.once('SIGTERM', () => shutdown.abort());

// The WebSocket side: one JSON value per message. Each client gets the figures until it leaves.
const listener = await ws.listen({ server, path: '/stats' });
console.log(`browser example on http://127.0.0.1:${port}/ (open it in a browser; Ctrl-C stops)`);
let measured = performance.eventLoopUtilization();
let elu = 0;
const sampler = setInterval(() => {
  const now = performance.eventLoopUtilization();
  elu = performance.eventLoopUtilization(now, measured).utilization;
  measured = now;
}, STATS_MS);

const serving = listener.serve(
  async (conn, { signal }) => {
    const io = conn.framed(json<ClientMessage | ServerMessage>({ framing: ws.messages() }));
    const send = (message: ServerMessage) => io.write(message).catch(() => {}); // fails once the client has gone
    let ticker: ReturnType<typeof setInterval> | undefined;
    const stop = () => void conn.close().catch(() => {}); // a normal close: the page's subject completes
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const message of io as AsyncIterable<ClientMessage>) {
        if (message.type === 'hello' && ticker === undefined) {
          const stats = (): ServerMessage => ({
            type: 'stats',
            elu: Math.round(elu * 1000) / 10,
            heapMB: Math.round(process.memoryUsage().heapUsed / 1e5) / 10,
            clients: listener.counters.open,
            at: Date.now(),
          });
          void send(stats());
          ticker = setInterval(() => void send(stats()), STATS_MS);
        } else if (message.type === 'ping') void send({ type: 'pong', id: message.id });
        else if (message.type === 'drop') return void (await conn.close(4000, 'dropped on request'));
      }
    } finally {
      clearInterval(ticker);
      signal.removeEventListener('abort', stop);
    }
  },
  {
    signal: shutdown.signal,
    shutdownTimeout: 5000,
    onError: (error) => console.log('client:', (error as Error).message),
  },
);

if (ONCE) {
  process.exitCode = (await selfTest().catch((error: Error) => console.error('self-test failed:', error.message)))
    ? 0
    : 1;
  shutdown.abort();
}
await serving;
clearInterval(sampler);
server.closeAllConnections();
await new Promise((closed) => server.close(closed));
console.log('browser example stopped');

/** What ONCE runs: the page is served, and webSocket$ (as in app.ts) gets figures, a pong, and reconnects after a drop. */
async function selfTest(): Promise<boolean> {
  const statuses = await Promise.all(
    ['/', '/app.js'].map(async (path) => `${path} ${(await fetch(`http://127.0.0.1:${port}${path}`)).status}`),
  );
  console.log(`GET ${statuses.join(', GET ')}`);
  let opened = 0;
  const live = webSocket$<ServerMessage, ClientMessage>({
    url: `ws://127.0.0.1:${port}/stats`,
    codec: json({ framing: ws.messages() }),
    openObserver: {
      next: () => {
        opened++;
        live.next({ type: 'hello' });
        live.next(opened === 1 ? { type: 'drop' } : { type: 'ping', id: opened });
      },
    },
  });
  // The first connection is dropped (code 4000): retry() reconnects, and the second gets a pong.
  const seen = await firstValueFrom(
    live.pipe(
      retry({ count: 1, delay: 100 }),
      rxFilter((message) => message.type === 'pong' || (message.type === 'stats' && opened === 2)),
      take(3),
      toArray(),
    ),
  );
  for (const message of seen) console.log(`node webSocket$ got ${JSON.stringify({ ...message, at: undefined })}`);
  console.log(`connections opened: ${opened}`);
  return statuses.every((status) => status.endsWith(' 200')) && opened === 2;
}
