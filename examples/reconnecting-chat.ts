/**
 * A terminal client for the chat server of chat.ts that survives the server
 * going away: it reconnects with backoff, and what you type while it is
 * disconnected waits in its outbox and is sent, in order, once it is back.
 *
 * Shows `reconnecting(connect, { codec, outbox })`: one `for await`
 * iteration per connection, `client.write()` from anywhere (here, the
 * keyboard), a greeting done inside `connect` (so it goes before the
 * outbox's lines on every new connection), and `idleTimeout` to notice a
 * server that vanished without closing.
 *
 * Run:   pnpm exec tsx examples/chat.ts                      (the server, port 7001)
 * Then:  NAME=alice pnpm exec tsx examples/reconnecting-chat.ts   (CHAT_SERVER=host:port to change)
 * Stop and restart the server: the client says so, reconnects, and sends what you typed meanwhile.
 *
 * With SLUICE_EXAMPLE_ONCE=1 it runs its own small room on a free port, says
 * a line, stops the room, types two lines while it is down, starts it again
 * on the same port, checks the room heard all three in order, and exits.
 */
import { createInterface } from 'node:readline';
import { type Connection, connect, type Listener, lines, listen, reconnecting } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const NAME = process.env.NAME ?? (ONCE ? 'alice' : 'anonymous');

/** The chat protocol's greeting, on every new connection: before the outbox's lines. */
async function join(conn: Connection): Promise<Connection> {
  const io = conn.framed(lines({ maxFrameLength: 4096 }), { keepOpen: true });
  await io.read(); // "welcome! your name?"
  await io.write(NAME);
  console.log(await io.read()); // "* hello <name>, n here"
  return conn;
}

/** Starts the client: `say(line)` sends a line (or keeps it for the next connection), `done` settles when it ends. */
function startClient(host: string, port: number, signal: AbortSignal, onRetry?: (attempt: number) => void) {
  const client = reconnecting(
    async (connectSignal) => join(await connect({ host, port, signal: connectSignal, idleTimeout: 60_000 })),
    {
      codec: lines({ maxFrameLength: 4096 }),
      outbox: { capacity: 64 * 1024, overflow: 'drop-oldest' }, // a long outage keeps the latest 64 KiB
      initialDelay: ONCE ? 10 : 250,
      maxDelay: ONCE ? 50 : 10_000,
      signal,
      onRetry: ({ error, attempt, delay }) => {
        const why = error === undefined ? 'closed' : (error as Error).message;
        const what = attempt === 0 ? `lost ${host}:${port}` : `cannot reach ${host}:${port}`;
        console.log(`* ${what} (${why}); retrying in ${delay} ms`);
        onRetry?.(attempt);
      },
    },
  );
  const say = (line: string) =>
    void client.write(line).catch((error: Error) => console.log(`* not sent: ${error.message}`));
  const done = (async () => {
    for await (const io of client) {
      try {
        for await (const line of io) console.log(line);
        if (!signal.aborted) console.log('* the server closed the connection');
      } catch (error) {
        console.log(`* connection lost: ${(error as Error).message}`);
      }
    } // the next iteration waits for the next connection
  })();
  return { say, done };
}

if (!ONCE) {
  const [host = '127.0.0.1', portText = '7001'] = (process.env.CHAT_SERVER ?? '127.0.0.1:7001').split(':');
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const { say, done } = startClient(host, Number(portText), stop.signal);
  const keyboard = createInterface({ input: process.stdin });
  keyboard.on('line', say);
  keyboard.once('close', () => stop.abort()); // Ctrl+D
  await done;
  keyboard.close();
} else {
  // A small room: greets like chat.ts, and sends every member's line to every member, the sender too.
  const heard: string[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const hearing = (count: number) => new Promise<void>((resolve) => waiting.push({ count, resolve }));
  let room: { listener: Listener; served: Promise<unknown>; stop: AbortController } | undefined;
  const closeRoom = async () => {
    room?.stop.abort(); // ends every member's connection, then the listener
    await room?.served;
    await room?.listener.close();
  };
  const openRoom = async (port: number) => {
    const listener = await listen({ host: '127.0.0.1', port });
    const stop = new AbortController();
    const served = listener.serve(
      async (conn, { signal }) => {
        const io = conn.framed(lines(), { signal }); // a shutdown ends the reads, and so the connection
        await io.write('welcome! your name?');
        const name = await io.read();
        await io.write(`* hello ${name}, 1 here`);
        for await (const text of io) {
          heard.push(text);
          for (const waiter of waiting) if (heard.length >= waiter.count) waiter.resolve();
          await io.write(`<${name}> ${text}`);
        }
      },
      { signal: stop.signal, onError: () => {} },
    );
    room = { listener, served, stop };
    return (listener.address as { port: number }).port;
  };
  const port = await openRoom(0);
  const stop = new AbortController();
  let retrying: () => void = () => {};
  // Told of each wait; attempt 0 is the wait after the connection ended, 1 the one after the first failed attempt.
  const { say, done } = startClient('127.0.0.1', port, stop.signal, (attempt) => attempt > 0 && retrying());

  say('before the restart');
  await hearing(1);
  const down = new Promise<void>((resolve) => (retrying = resolve));
  await closeRoom(); // the room goes away; the client notices and retries
  await down; // an attempt failed, no connection now: what is typed waits in the outbox
  console.log('* (the room is down)');
  say('typed while down, 1');
  say('typed while down, 2');
  await openRoom(port);
  console.log('* (the room is back on the same port)');
  await hearing(3);
  stop.abort();
  await done;
  await closeRoom();
  const expected = ['before the restart', 'typed while down, 1', 'typed while down, 2'];
  const ok = JSON.stringify(heard) === JSON.stringify(expected);
  console.log(ok ? 'the room heard every line, in order, across the restart' : `SOMETHING WENT MISSING: ${heard}`);
  process.exitCode = ok ? 0 : 1;
}
