/**
 * The chat of examples/chat.ts, past one machine: several server processes
 * share one room through Redis pub/sub, and can be restarted one at a time.
 *
 * Shows Sluice's side of a horizontally scaled server: per-member bounded
 * outboxes fed from a subscription (a slow member is dropped, never
 * buffered for), and a graceful rolling shutdown with `serve()`'s
 * `shutdownTimeout` and the `ServeSummary` it resolves with. Redis is spoken
 * by node-redis (`redis` on npm): one client publishes, a `duplicate()` of it
 * subscribes (a subscribed connection can do nothing else).
 *
 * Protocol (lines), as in chat.ts: the first line is your name, then each
 * line is a message; `/who` lists the members on this server (a room-wide
 * /who would need presence kept in Redis, with expiry for crashed servers:
 * left out), `/quit` leaves.
 *
 * Every room event goes to Redis as JSON, `{ from: { server, member, name },
 * seq, kind, text }`: `server` names this process (host, pid and a random
 * part), `member` a connection on it, and `seq` counts that member's events.
 *
 * Exactly once, in order: a server delivers to its members only what comes
 * back through its own subscription, its own members' messages too. That is
 * one path for every message, so nothing is delivered twice, and it gives
 * one order: Redis runs the PUBLISHes of one connection in the order they
 * were sent and forwards each to every subscriber in the order it ran them,
 * so every member on every server sees the same interleaving (delivering
 * local messages at once and skipping them when they come back would be a
 * round trip faster, but local members would see an order the others do
 * not). A member's own messages are skipped when they come back (no echo),
 * and `seq` drops anything seen before and reports gaps: pub/sub is
 * at-most-once, so what is published while a subscriber reconnects is lost.
 * A member's next line is read once Redis has taken the last one, so no
 * member outruns Redis; while Redis is away, at most REDIS_QUEUE commands
 * wait, then members are dropped.
 *
 * Run three servers and Redis by hand (four terminals):
 *   redis-server --port 6379 --save ''
 *   PORT=7001 pnpm exec tsx examples/chat-redis.ts
 *   PORT=7002 pnpm exec tsx examples/chat-redis.ts
 *   PORT=7003 pnpm exec tsx examples/chat-redis.ts
 * then `nc 127.0.0.1 7001`, `nc 127.0.0.1 7003`, …: everyone is in one room.
 * Environment: PORT (default 0: a free port, printed), REDIS_URL (default
 * redis://127.0.0.1:6379), ROOM (the pub/sub channel, default sluice:chat),
 * SHUTDOWN_TIMEOUT (ms, default 5000).
 *
 * A rolling restart: send SIGTERM (or Ctrl-C) to one server. It stops
 * accepting, tells its members "* server restarting, please reconnect" and
 * closes their connections (members elsewhere see them leave), waits at most
 * SHUTDOWN_TIMEOUT for its handlers (past that, their connections are
 * destroyed: "cut", as for a member that never closes its side), prints one
 * line, e.g.
 *   shutdown: 3 connections ended cleanly, 0 failed, 0 cut after 5000 ms (2 open at SIGTERM, drained in 41 ms)
 * and exits with 0. Its members reconnect to another server; start it
 * again, then the next one. A second signal during shutdown exits at once
 * with 1. It needs Redis, so SLUICE_EXAMPLE_ONCE changes nothing:
 * packages/sluice/test/chat-redis.test.ts runs it against a redis-server.
 */
import { hostname } from 'node:os';
import { createClient } from 'redis';
import { type Channel, type Connection, channel, lines, listen } from 'sluice';

const PORT = Number(process.env.PORT ?? 0);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOM = process.env.ROOM ?? 'sluice:chat';
const SHUTDOWN_TIMEOUT = Number(process.env.SHUTDOWN_TIMEOUT ?? 5000);
/** Lines that may wait for one member; past that, the member is too slow and is dropped. */
const OUTBOX_SIZE = 256;
/** Commands that may wait for Redis (while it is away, say); past that, publishing fails and the member is dropped. */
const REDIS_QUEUE = 1000;
/** This process, unique even when a restarted container gets the same host name and pid. */
const SERVER = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

/** What goes through Redis. */
interface RoomEvent {
  from: { server: string; member: number; name: string };
  /** Counts the sender's events from 1: its join, its messages, its leave. */
  seq: number;
  kind: 'join' | 'say' | 'leave';
  text?: string;
}

interface Member {
  id: number;
  name: string;
  outbox: Channel<string>;
  conn: Connection;
  /** The seq of this member's last published event. */
  seq: number;
}

const members = new Set<Member>();
let lastMemberId = 0;
/** Per sender (`server/member`), the last seq delivered here; forgotten when the sender leaves. */
const lastSeq = new Map<string, number>();

// ---------------------------------------------------------------- Redis

let connected = false;
const publisher = createClient({
  url: REDIS_URL,
  commandsQueueMaxLength: REDIS_QUEUE,
  // Fail at once if Redis is not there at start; once connected, reconnect with a backoff.
  socket: { reconnectStrategy: (retries, cause) => (connected ? Math.min(50 * 2 ** retries, 2000) : cause) },
});
const subscriber = publisher.duplicate();
for (const [role, client] of [
  ['publisher', publisher],
  ['subscriber', subscriber],
] as const) {
  client.on('error', (error: Error) => connected && console.error(`redis ${role}: ${error.message}`));
}
try {
  await Promise.all([publisher.connect(), subscriber.connect()]);
} catch {
  // Nothing to debug here, so no stack trace: the one line says what to do.
  console.error(`No Redis at ${REDIS_URL}: start one with  redis-server --port 6379 --save ''`);
  process.exit(1);
}
connected = true;
await subscriber.subscribe(ROOM, (message) => {
  try {
    deliver(JSON.parse(message) as RoomEvent);
  } catch (error) {
    console.error(`ignoring a message on ${ROOM}: ${(error as Error).message}`);
  }
});

/** Publishes one event of `member`; resolves once Redis has taken it. */
function publish(member: Member, kind: RoomEvent['kind'], text?: string): Promise<number> {
  const event: RoomEvent = { from: { server: SERVER, member: member.id, name: member.name }, seq: ++member.seq, kind };
  if (text !== undefined) event.text = text;
  return publisher.publish(ROOM, JSON.stringify(event));
}

/** Queues an event from the subscription for every local member but its sender. Never waits. */
function deliver(event: RoomEvent): void {
  const { from, seq, kind } = event;
  const sender = `${from.server}/${from.member}`;
  const last = lastSeq.get(sender);
  if (last !== undefined && seq <= last) return; // seen already: never twice
  if (kind === 'leave') lastSeq.delete(sender);
  else lastSeq.set(sender, seq);
  const out: string[] = [];
  if (last !== undefined && seq > last + 1) out.push(`* missed ${seq - last - 1} messages from ${from.name}`);
  out.push(
    kind === 'say' ? `<${from.name}> ${event.text ?? ''}` : `* ${from.name} ${kind === 'join' ? 'joined' : 'left'}`,
  );
  for (const member of members) {
    if (from.server === SERVER && from.member === member.id) continue; // no echo
    if (!member.outbox.writable) continue; // leaving: its outbox is ended
    for (const line of out) {
      // offer() returns false when the outbox is full: this member reads too slowly.
      if (!member.outbox.offer(line)) {
        member.conn.destroy(new Error(`${member.name} is too slow: ${OUTBOX_SIZE} lines waiting`));
        break;
      }
    }
  }
}

// ---------------------------------------------------------------- serving

const shutdown = new AbortController();
let open = 0;
let openAtSignal = 0;
let signalledAt = 0;
let signalName = 'SIGTERM';
const onSignal = (name: NodeJS.Signals) => {
  if (shutdown.signal.aborted) {
    console.error(`${name} during shutdown: exiting now`);
    process.exit(1);
  }
  [signalName, openAtSignal, signalledAt] = [name, open, performance.now()];
  shutdown.abort();
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

const listener = await listen({ host: '127.0.0.1', port: PORT });
console.log(`chat-redis listening on 127.0.0.1:${listener.port} (room ${ROOM} at ${REDIS_URL})`);
console.log(
  `serving; try: nc 127.0.0.1 ${listener.port}, or pnpm sluice connect 127.0.0.1:${listener.port}   (Ctrl-C stops)`,
);

const summary = await listener.serve(
  async (conn, { signal }) => {
    open++;
    // keepOpen: leaving the loop below (on /quit) must not close the socket
    // before the writer has sent what is still queued.
    const io = conn.framed(lines({ maxFrameLength: 4096 }), { keepOpen: true });
    const outbox = channel<string>({ capacity: OUTBOX_SIZE });
    const writing = io.writeAll(outbox); // this member's writer, at this member's pace
    writing.catch(() => {}); // a peer gone mid-write is handled where `writing` is awaited, below
    outbox.offer('welcome! your name?');

    let member: Member | undefined;
    /**
     * The member's read loop waits for each of its messages to reach Redis, so
     * a member cannot outrun Redis. But not past the end of its connection: a
     * connection cut at shutdownTimeout (or dropped) frees its handler even
     * while Redis does not answer, and Redis gets the message when it can.
     */
    const published = (publishing: Promise<unknown>) => {
      publishing.catch(() => {}); // when the connection ends first; otherwise the race below rejects
      return Promise.race([publishing, conn.closed]);
    };
    const onShutdown = () => {
      outbox.offer('* server restarting, please reconnect');
      outbox.end();
      // Once that is sent, close: the read loop below ends when the peer does
      // (or after the connection's closeTimeout).
      void writing.then(
        () => io.close(),
        () => {},
      );
    };
    if (signal.aborted) onShutdown();
    else signal.addEventListener('abort', onShutdown, { once: true });
    try {
      for await (const text of io) {
        if (member === undefined) {
          member = { id: ++lastMemberId, name: text.trim() || 'anonymous', outbox, conn, seq: 0 };
          members.add(member);
          outbox.offer(`* hello ${member.name}, ${members.size} here on this server`);
          await published(publish(member, 'join'));
        } else if (text === '/quit') break;
        else if (text === '/who') outbox.offer(`* on this server: ${[...members].map((m) => m.name).join(', ')}`);
        else await published(publish(member, 'say', text));
        if (!outbox.writable) break; // shutting down
      }
    } finally {
      signal.removeEventListener('abort', onShutdown);
      if (member !== undefined) {
        members.delete(member);
        // Not awaited: the member is gone. At exit, the publisher's close() waits for it.
        publish(member, 'leave').catch(() => {});
      }
      outbox.end(); // the writer sends what is queued, then finishes
      open--;
      await writing;
    }
    // Returning closes the connection gracefully (FIN after the last line).
  },
  {
    signal: shutdown.signal, // aborting closes the listener: new members go to the other servers
    shutdownTimeout: SHUTDOWN_TIMEOUT,
    onError: (error) => console.log('member dropped:', (error as Error).message),
  },
);

// The summary counts every connection since the start, not only those open at the signal.
const drained = Math.round(performance.now() - signalledAt);
const connections = (n: number) => `${n} connection${n === 1 ? '' : 's'}`;
console.log(
  `shutdown: ${connections(summary.served)} ended cleanly, ${summary.failed} failed, ${summary.cut} cut after ` +
    `${SHUTDOWN_TIMEOUT} ms (${openAtSignal} open at ${signalName}, drained in ${drained} ms)`,
);
// close() waits for the replies still due: at most 2 s, as Redis may be the thing that is gone
// (then exiting drops the sockets).
let timer: NodeJS.Timeout | undefined;
await Promise.race([
  Promise.all([subscriber.close(), publisher.close()]),
  new Promise((resolve) => (timer = setTimeout(resolve, 2000))),
]);
clearTimeout(timer);
process.exit(0);
