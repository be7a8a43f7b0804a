/**
 * IPC: a daemon's control socket on a Unix domain socket (a named pipe on
 * Windows), and a client, with `listen({ path })` and `connect({ path })`.
 *
 * A Unix socket is how a program takes commands from others on the same
 * machine (Docker's docker.sock, systemd's sockets): no port, nothing on the
 * network, and the file's permissions say who may connect. The connection on
 * it is the same `Connection` as over TCP, with the same codecs, `serve()` and
 * counters. Here the daemon answers JSON commands, one per line.
 *
 * Run:   pnpm exec tsx examples/ipc.ts     (socket in the temp folder, or SOCKET=/path/to.sock)
 * It sends itself three commands, then keeps serving. Try, with the path it prints:
 *   nc -U /tmp/sluice-ipc-….sock      then type   {"cmd":"status"}
 *
 * With SLUICE_EXAMPLE_ONCE=1 it exits after its own commands.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from '@sluice/codec';
import { connect, listen } from '@sluice/net';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
/** A Unix socket is a file; Windows has named pipes in their own namespace instead. */
const PATH =
  process.env.SOCKET ??
  (process.platform === 'win32'
    ? `\\\\.\\pipe\\sluice-ipc-${process.pid}`
    : join(tmpdir(), `sluice-ipc-${process.pid}.sock`));

type Command = { cmd: 'status' } | { cmd: 'echo'; text: string } | { cmd: string };
type Reply = { ok: true; [key: string]: unknown } | { ok: false; error: string };

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());
process.once('SIGTERM', () => shutdown.abort());
const started = Date.now();

/**
 * Listens on `path`. A socket file that is there already is either another server's (it answers: told in one line)
 * or left by a process that died without closing it (nobody answers): that one is removed, as daemons do.
 */
async function listenOn(path: string) {
  try {
    return await listen({ path, signal: shutdown.signal });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || process.platform === 'win32') throw error;
    const answers = await connect({ path, timeout: 1000 }).then(
      (conn) => (conn.destroy(), true),
      () => false,
    );
    if (answers) {
      console.error(`ipc: a server is listening on ${path} already: stop it, or set SOCKET to another path`);
      process.exit(1);
    }
    rmSync(path);
    return listen({ path, signal: shutdown.signal });
  }
}

// The daemon. Closing the listener (the signal) removes the socket file again.
const listener = await listenOn(PATH);
const { path } = listener.address as { path: string }; // a socket's address: a path, no host or port
console.log(`control socket at ${path}`);

const served = listener.serve(
  async (conn) => {
    const io = conn.framed(json<Command | Reply>()); // one JSON value per line, both ways
    for await (const command of io) {
      await io.write(answer(command as Command));
    }
  },
  { onError: (error) => console.log('client dropped:', (error as Error).message) }, // a line that is not JSON
);

function answer(command: Command): Reply {
  switch (command?.cmd) {
    case 'status':
      return {
        ok: true,
        uptimeMs: Date.now() - started,
        clients: listener.counters.open,
        served: listener.counters.accepted,
      };
    case 'echo':
      return { ok: true, text: (command as { text?: unknown }).text };
    default:
      return { ok: false, error: `unknown command: ${JSON.stringify(command)}` };
  }
}

// A client: what a command-line tool talking to the daemon does.
{
  await using conn = await connect({ path: PATH, timeout: 5000 });
  const io = conn.framed(json<Command | Reply>());
  for (const command of [{ cmd: 'echo', text: 'hello over IPC' }, { cmd: 'status' }, { cmd: 'reboot' }]) {
    await io.write(command);
    console.log(`${JSON.stringify(command)} -> ${JSON.stringify(await io.read())}`);
  }
  console.log(`client: ${conn.counters.bytesOut} bytes out, ${conn.counters.bytesIn} in, no port used`);
}

if (ONCE) shutdown.abort();
else console.log(`serving; try: pnpm sluice connect ${PATH} --codec json, or nc -U ${PATH}   (Ctrl-C stops)`);
await served;
console.log('control socket closed');
