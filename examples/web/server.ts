/**
 * Sluice in the browser: a live room. One small Node process serves a web
 * page, the built ESM packages it imports, and a WebSocket endpoint on the
 * same origin. The page (index.html + app.js) connects with `@sluice/ws`'s
 * `connect()` over the browser's own WebSocket, reads JSON events with a
 * `for await` loop over `conn.framed(json({ framing: messages() }))`, and
 * shows them live: who is here, frames per second, how busy the server's event
 * loop is (`performance.eventLoopUtilization()`) and the chat. Through
 * `reconnecting()` of `@sluice/connection`, the page comes back by itself
 * when this server stops and starts again (Ctrl-C, then run it again: the
 * page shows "reconnecting in N ms…", then "connected").
 *
 * Shows `listen({ server, path })` of `@sluice/ws` beside an ordinary
 * `http` server, one JSON value per WebSocket message, and broadcasting
 * without letting a slow browser stall the room: each member has its own
 * bounded outbox (a core `channel`) that its writer drains at that member's
 * pace; a member whose outbox stays full is disconnected.
 *
 * Run:   pnpm build                                   (once: the page loads packages/<name>/dist)
 *        pnpm exec tsx examples/web/server.ts         (port 7008, or PORT=…; PORT=0 picks a free one)
 * Then open the URL it prints, in two tabs, and talk. Ctrl-C stops it.
 *
 * With SLUICE_EXAMPLE_ONCE=1 it picks a free port, checks that it serves the
 * page and every module the page imports, lets two Node members talk over the
 * WebSocket, and exits.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type Channel, type Connection, channel, json, ws } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7008));
/** Events that may wait for one member; past that, the member reads too slowly and is dropped. */
const OUTBOX_SIZE = 256;
/** How often the server sends every member a `tick` (live traffic for the page's meters). */
const TICK_MS = 100;
/** Messages kept for members who join later. */
const HISTORY = 20;

// ---------------------------------------------------------------------------------------------
// The page and the packages it imports, over plain HTTP.

const HERE = resolve(fileURLToPath(new URL('.', import.meta.url)));
const ROOT = resolve(HERE, '../..');
/** URL path prefixes and the folders they serve: the page, and each package's built ESM files. */
const FOLDERS: Record<string, string> = {
  '/lib/core/': join(ROOT, 'packages/core/dist'),
  '/lib/codec/': join(ROOT, 'packages/codec/dist'),
  '/lib/connection/': join(ROOT, 'packages/connection/dist'),
  '/lib/ws/': join(ROOT, 'packages/ws/dist'), // the page imports browser.js: the platform's WebSocket, no Node
  '/': HERE,
};
const PAGES: Record<string, string> = { '/': '/index.html' };
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function serveFile(request: http.IncomingMessage, response: http.ServerResponse): void {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const wanted = PAGES[path] ?? path;
  const type = TYPES[extname(wanted)];
  const prefix = Object.keys(FOLDERS).find((p) => wanted.startsWith(p));
  if (request.method !== 'GET' || type === undefined || prefix === undefined) return notFound(response, path);
  const folder = FOLDERS[prefix]!;
  const file = resolve(folder, `.${wanted.slice(prefix.length - 1)}`);
  if (!file.startsWith(folder + sep)) return notFound(response, path); // nothing outside the folder
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch {
    const hint = prefix.startsWith('/lib/') ? ' (run `pnpm build` first: the page loads the built packages)' : '';
    return notFound(response, `${path}${hint}`);
  }
  response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

function notFound(response: http.ServerResponse, what: string): void {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${what}\n`);
}

// ---------------------------------------------------------------------------------------------
// The room: JSON events, one per WebSocket message.

/** What a member sends. */
interface Say {
  type: 'say';
  from: string;
  text: string;
}
interface Message {
  type: 'message';
  id: number;
  from: string;
  text: string;
  at: number;
}
/** What the server sends. */
type ServerEvent =
  | { type: 'welcome'; you: string; clients: number; history: Message[] }
  | { type: 'presence'; clients: number }
  /** `elu`: the share of the last tick the server's event loop spent running code, in percent. */
  | { type: 'tick'; n: number; elu: number; clients: number }
  | Message;

interface Member {
  outbox: Channel<ServerEvent>;
  conn: Connection;
}

const members = new Set<Member>();
const history: Message[] = [];
let nextMember = 1;
let nextMessage = 1;

/** Queues `event` for every member. Never waits: a member whose outbox is full is too slow, and is dropped. */
function broadcast(event: ServerEvent): void {
  for (const member of members) {
    if (!member.outbox.offer(event)) member.conn.destroy(new Error(`too slow: ${OUTBOX_SIZE} events waiting`));
  }
}

function isSay(value: unknown): value is Say {
  const say = value as Partial<Say> | null;
  return (
    typeof say === 'object' &&
    say !== null &&
    say.type === 'say' &&
    typeof say.from === 'string' &&
    typeof say.text === 'string' &&
    say.text.trim() !== ''
  );
}

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());
process.once('SIGTERM', () => shutdown.abort());

const server = http.createServer(serveFile);
await new Promise<void>((listening, failed) => {
  server.once('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') return failed(error);
    console.error(`web example: port ${PORT} is taken (try PORT=0 for a free one)`);
    process.exit(1);
  });
  server.listen(PORT, '127.0.0.1', listening);
});
const { port } = server.address() as { port: number };
const origin = `http://127.0.0.1:${port}`;

// WebSocket upgrades for /live, on the same server (and so the same origin) as the page.
const listener = await ws.listen({ server, path: '/live', maxPayload: 64 * 1024 });
console.log(`web example on ${origin}/ (open it in a browser; Ctrl-C stops)`);

const served = listener.serve(
  async (conn, { signal }) => {
    const io = conn.framed(json({ framing: ws.messages() }));
    const member: Member = { outbox: channel<ServerEvent>({ capacity: OUTBOX_SIZE }), conn };
    // This member's writer, at this member's pace. It fails once the member has gone (a WebSocket cannot be
    // written to after the peer's close): nothing to do then, the read loop below ends too.
    const writing = io.writeAll(member.outbox).catch(() => {});
    member.outbox.offer({
      type: 'welcome',
      you: `guest-${nextMember++}`,
      clients: members.size + 1,
      history: [...history],
    });
    members.add(member);
    broadcast({ type: 'presence', clients: members.size });
    // On shutdown: send what is queued, then close (a close frame; the page's loop ends).
    const onShutdown = () => {
      member.outbox.end();
      void writing.then(() => io.close()).catch(() => {}); // a close cut off by closeTimeout: the member is gone anyway
    };
    signal.addEventListener('abort', onShutdown, { once: true });
    try {
      for await (const event of io) {
        if (!isSay(event)) continue; // not ours: ignored
        const message: Message = {
          type: 'message',
          id: nextMessage++,
          from: event.from.trim().slice(0, 32) || 'anonymous',
          text: event.text.slice(0, 500),
          at: Date.now(),
        };
        history.push(message);
        if (history.length > HISTORY) history.shift();
        broadcast(message);
      }
    } finally {
      signal.removeEventListener('abort', onShutdown);
      members.delete(member);
      broadcast({ type: 'presence', clients: members.size });
      member.outbox.end(); // the writer sends what is queued, then finishes
      await writing;
    }
    // Returning closes the connection gracefully.
  },
  {
    signal: shutdown.signal,
    shutdownTimeout: 5000,
    onError: (error) => console.log('member dropped:', (error as Error).message),
  },
);

// Live traffic: a tick for every member, with a real measure for the page's graph: the event loop's utilization
// since the last tick (the share of the time it spent running code rather than waiting for I/O or timers; near 0
// when idle, 100% when saturated).
let tick = 0;
let measured = performance.eventLoopUtilization();
const ticker = setInterval(() => {
  const now = performance.eventLoopUtilization();
  const { utilization } = performance.eventLoopUtilization(now, measured);
  measured = now;
  broadcast({ type: 'tick', n: ++tick, elu: Math.round(utilization * 1000) / 10, clients: members.size });
}, TICK_MS);
shutdown.signal.addEventListener('abort', () => clearInterval(ticker), { once: true });

if (ONCE) {
  const ok = await selfTest().catch((error: Error) => {
    console.error('web example: the self-test failed:', error.message);
    return false;
  });
  process.exitCode = ok ? 0 : 1;
  shutdown.abort();
}
await served;
server.closeAllConnections(); // browsers keep idle HTTP connections open
await new Promise<void>((closed) => server.close(() => closed()));
console.log('web example stopped');

/** What ONCE runs: the page and its modules are served, and two Node members hear each other. */
async function selfTest(): Promise<boolean> {
  const page = await fetch(`${origin}/`);
  const html = await page.text();
  const imports = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}') as {
    imports?: Record<string, string>;
  };
  const modules = ['/app.js', ...Object.values(imports.imports ?? {})];
  const statuses = await Promise.all(modules.map(async (path) => `${path} ${(await fetch(origin + path)).status}`));
  console.log(`GET / ${page.status}; ${statuses.join(', ')}`);
  if (page.status !== 200 || statuses.some((status) => !status.endsWith(' 200'))) return false;

  // Two members, as the page is one: JSON values, one per WebSocket message.
  const join = async (name: string) => {
    const conn = await ws.connect(`ws://127.0.0.1:${port}/live`, { timeout: 5000 });
    const io = conn.framed(json<ServerEvent | Say>({ framing: ws.messages() })); // events in, Say out
    const welcome = await io.read({ signal: AbortSignal.timeout(5000) }); // the server speaks first
    if (welcome?.type !== 'welcome') throw new Error(`${name}: no welcome, but ${JSON.stringify(welcome)}`);
    console.log(`${name} joined as ${welcome.you}, ${welcome.clients} online`);
    /** Reads events (ticks and presence too) until a message that says `text`. */
    const hear = async (text: string) => {
      for (;;) {
        const event = await io.read({ signal: AbortSignal.timeout(5000) });
        if (event === undefined) throw new Error(`${name}: the connection ended before "${text}"`);
        if (event.type === 'message' && event.text === text) return `${name} heard <${event.from}> ${event.text}`;
      }
    };
    return { conn, say: (text: string) => io.write({ type: 'say', from: name, text }), hear };
  };
  const alice = await join('alice');
  const bob = await join('bob');
  await alice.say('hello from Node');
  console.log(await alice.hear('hello from Node'));
  console.log(await bob.hear('hello from Node'));
  await bob.say('hi alice');
  console.log(await bob.hear('hi alice'));
  console.log(await alice.hear('hi alice'));
  await alice.conn.close();
  await bob.conn.close();
  console.log('every member heard every message');
  return true;
}
