/**
 * A chat server: every line a member sends goes to every other member.
 *
 * Shows how to broadcast without letting one slow reader stall the room:
 * each member has its own bounded outbox (a core `channel`) that its own
 * writer drains into its socket, and the broadcaster only `offer()`s, which
 * never waits. A member whose outbox stays full is disconnected, so nothing
 * grows without bound.
 *
 * Protocol (lines): the first line is your name, then each line is a
 * message; `/who` lists the members, `/quit` leaves.
 *
 * Run:   pnpm exec tsx examples/chat.ts            (port 7001, or PORT=…)
 * Then, in two or more terminals:  nc 127.0.0.1 7001
 *   or the sluice CLI:  pnpm exec tsx packages/sluice/src/cli.ts connect 127.0.0.1:7001
 *
 * With SLUICE_EXAMPLE_ONCE=1 it picks a free port, lets three bots talk,
 * checks that each heard the other two, and exits.
 */
import { type Channel, type Connection, channel, connect, lines, listen } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7001));
/** Lines that may wait for one member; past that, the member is too slow and is dropped. */
const OUTBOX_SIZE = 256;

interface Member {
  name: string;
  outbox: Channel<string>;
  conn: Connection;
}

const members = new Set<Member>();

/** Queues `line` for every member except `from`. Never waits. */
function broadcast(line: string, from?: Member): void {
  for (const member of members) {
    if (member === from || !member.outbox.writable) continue; // an outbox ended by shutdown takes nothing more
    // offer() returns false when the outbox is full: this member reads too slowly.
    if (!member.outbox.offer(line))
      member.conn.destroy(new Error(`${member.name} is too slow: ${OUTBOX_SIZE} lines waiting`));
  }
}

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());

const listener = await listen({ host: '127.0.0.1', port: PORT });
const { port } = listener.address as { port: number };
console.log(`chat server on 127.0.0.1:${port}`);

const served = listener.serve(
  async (conn, { signal }) => {
    // keepOpen: leaving the loop below (on /quit) must not close the socket
    // before the writer has sent what is still queued.
    const io = conn.framed(lines({ maxFrameLength: 4096 }), { keepOpen: true });
    const outbox = channel<string>({ capacity: OUTBOX_SIZE });
    const writing = io.writeAll(outbox); // this member's writer, at this member's pace
    writing.catch(() => {}); // a peer gone mid-write is handled where `writing` is awaited, below
    outbox.offer('welcome! your name?');

    let member: Member | undefined;
    const onShutdown = () => {
      outbox.offer('* the server is shutting down');
      outbox.end();
      // Once that is sent, close: the read loop below ends when the peer does
      // (or after the connection's closeTimeout).
      void writing.then(
        () => io.close(),
        () => {},
      );
    };
    signal.addEventListener('abort', onShutdown, { once: true });
    try {
      for await (const text of io) {
        if (member === undefined) {
          member = { name: text.trim() || 'anonymous', outbox, conn };
          members.add(member);
          outbox.offer(`* hello ${member.name}, ${members.size} here`);
          broadcast(`* ${member.name} joined`, member);
        } else if (text === '/quit') break;
        else if (text === '/who') outbox.offer(`* here: ${[...members].map((m) => m.name).join(', ')}`);
        else broadcast(`<${member.name}> ${text}`, member);
        if (!outbox.writable) break; // shutting down
      }
    } finally {
      signal.removeEventListener('abort', onShutdown);
      if (member !== undefined) {
        members.delete(member);
        broadcast(`* ${member.name} left`);
      }
      outbox.end(); // the writer sends what is queued, then finishes
      await writing;
    }
    // Returning closes the connection gracefully (FIN after the last line).
  },
  {
    signal: shutdown.signal,
    shutdownTimeout: 5000,
    onError: (error) => console.log('member dropped:', (error as Error).message),
  },
);

if (!ONCE) {
  const client = `pnpm sluice connect 127.0.0.1:${port} (or nc 127.0.0.1 ${port})`;
  console.log(`serving; try: ${client} in two or more terminals   (Ctrl-C stops)`);
} else {
  const names = ['alice', 'bob', 'carol'];
  // A barrier: bots speak only once all of them have joined, so each hears everything.
  let arrive!: () => void;
  const allJoined = new Promise<void>((resolve) => {
    let waiting = names.length;
    arrive = () => --waiting === 0 && resolve();
  });

  /** A scripted member: joins, says two things, collects the messages of the others. */
  const bot = async (name: string): Promise<string[]> => {
    await using conn = await connect({ host: '127.0.0.1', port, timeout: 5000 });
    const io = conn.framed(lines(), { keepOpen: true });
    const incoming = io[Symbol.asyncIterator]();
    await incoming.next(); // "welcome! your name?"
    await io.write(name);
    await incoming.next(); // "* hello <name>, n here"
    arrive();
    await allJoined;
    await io.writeAll([`hi from ${name}`, `${name} out`]);
    const heard: string[] = [];
    while (heard.length < 2 * (names.length - 1)) {
      const next = await incoming.next();
      if (next.done) break;
      if (next.value.startsWith('<')) heard.push(next.value); // messages only, not join/leave notices
    }
    await io.write('/quit');
    return heard;
  };

  const heard = await Promise.all(names.map(bot));
  for (const [i, name] of names.entries()) console.log(`${name} heard:`, heard[i]);
  const ok = heard.every((said, i) => said.length === 4 && !said.some((line) => line.startsWith(`<${names[i]}>`)));
  console.log(ok ? 'every member heard every other member' : 'SOMETHING WENT MISSING');
  process.exitCode = ok ? 0 : 1;
  shutdown.abort();
}
await served;
console.log('chat server stopped');
