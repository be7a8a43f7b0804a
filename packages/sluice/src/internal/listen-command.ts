import { createConnection } from 'node:net';
import { InvalidArgumentError, isSluiceError } from '@sluice/core';
import { type Connection, listen } from '@sluice/net';
import { listen as listenWebSocket } from '@sluice/ws';
import { Broadcast, OUTBOX_CAPACITY } from './broadcast.js';
import { CODEC_HELP, type CodecSettings, DELIMITER_ESCAPES } from './codec-by-name.js';
import { resolveCodec } from './codec-module.js';
import { codeOf, describe, hostPort, isBadFrame } from './describe-error.js';
import { formatFrame, parseFormat } from './frame-format.js';
import { isOutputClosed, LineOutput } from './line-output.js';
import { count, onlyWith, parseMilliseconds, parsePort, parseUrlPath, readKeyAndCert, socketPath } from './options.js';
import type { CliIo } from './run-cli.js';
import { sendStdin } from './send-stdin.js';
import { refuseWithUdp, udpListen } from './udp-command.js';

export const LISTEN_HELP = `Usage: sluice listen [--host H] --port P [--ws [--path /P]] [options]
       sluice listen ./app.sock [options]    (a Unix socket: a path with a /, or unix:PATH)
       sluice listen --udp [--host H] --port P [--echo] [-o F] [-q]

Accepts connections and prints every received frame on its own line, or
echoes frames back with --echo. Runs until interrupted (Ctrl-C or SIGTERM:
open connections get a second to finish), or until the first connection ends
with --once. With --ws it takes WebSocket connections (ws://, or wss:// with
--tls), and --codec json is one JSON value per message.

Without --echo it is two-way, as nc -l is: each stdin line is sent as one
frame (as connect sends it) to every connected client. Stdin is read only
while a client is connected, at the pace of the fastest one; a client that
falls ${OUTBOX_CAPACITY} lines behind is dropped (said on stderr). A client's
connection closes once it has finished sending, after the lines queued for it.
The end of stdin closes nothing: the listener serves on, so </dev/null gives
a listener that only prints (run one in the background of a terminal so, as
nc -l: reading the terminal would stop it).

Frames are printed as they arrive, from any client; stdout has the frames
only (stderr names each client as it connects and closes, unless -q), so
with two clients or more, --prefix says whose each line is.

With --udp it binds a UDP socket and prints each datagram on one line (its
sender on stderr; -o text drops one trailing newline), or sends it back with
--echo; stdin lines go, one datagram each, to the latest sender (read once
there is one). --udp takes no --codec: a datagram is one frame.

Options:
  --host H           address to bind (default 127.0.0.1; :: or ::1 for IPv6)
  --port P           port to bind (0 picks a free one; the address is printed on stderr, even with -q)
  --ws               take WebSocket connections instead of plain TCP ones
  --udp              take UDP datagrams instead of connections
  --path /P          with --ws, take only this URL path (others get HTTP 404; default any)
  --codec C          frame format (default lines)
  --width, --endian  for --codec lp
  --delimiter D      for --codec lines (default \\n); escapes:
                     ${DELIMITER_ESCAPES}
  --max-frame-length N     largest frame accepted, in bytes
  --echo             send every frame back to its sender (stdin is then not read)
  --prefix           print each frame as "CLIENT: frame" (its sender's address, or
                     client N on a Unix socket), to tell clients apart
  --once             exit after the first connection ends
  -o, --output F     how frames are printed: text (default), hex, json
  --idle-timeout MS  close a connection after MS milliseconds with no traffic
  --tls --key FILE --cert FILE   serve TLS (with --ws: wss://)
  -q, --quiet        no connection logs and counts on stderr (errors still show)

${CODEC_HELP}`;

interface ListenValues extends CodecSettings {
  host?: string | undefined;
  port?: string | undefined;
  output?: string | undefined;
  'idle-timeout'?: string | undefined;
  echo: boolean;
  once: boolean;
  prefix: boolean;
  ws: boolean;
  path?: string | undefined;
  tls: boolean;
  key?: string | undefined;
  cert?: string | undefined;
  quiet: boolean;
  udp: boolean;
}

/** After shutdown starts, how long a connection may take to finish before it is cut. */
const CLOSE_TIMEOUT = 1000;

/** `sluice listen`: a framed server for debugging clients. Resolves to the exit code. */
export async function listenCommand(positionals: string[], values: ListenValues, io: CliIo): Promise<number> {
  const socket = socketArgument(positionals);
  if (socket !== undefined) {
    onlyWith(
      { ...values },
      ['host', 'port', 'ws', 'path', 'tls', 'key', 'cert', 'udp'],
      false,
      'to TCP, not to a Unix socket',
    );
  } else if (values.port === undefined) {
    throw new InvalidArgumentError('--port is required (0 picks a free port)');
  }
  const port = socket === undefined ? parsePort(values.port, '--port') : 0;
  const host = values.host ?? '127.0.0.1';
  if (values.udp) refuseWithUdp({ ...values, udp: undefined }, ['ws', 'path', 'once', 'key', 'cert']);
  onlyWith({ key: values.key, cert: values.cert }, ['key', 'cert'], values.tls, 'with --tls');
  onlyWith({ path: values.path }, ['path'], values.ws, 'with --ws');
  onlyWith({ prefix: values.prefix }, ['prefix'], !values.echo, 'without --echo (which prints no frames)');
  const path = values.path === undefined ? undefined : parseUrlPath(values.path);
  if (values.tls && (values.key === undefined || values.cert === undefined))
    throw new InvalidArgumentError('--tls needs --key and --cert');
  const codec = await resolveCodec(values.udp ? {} : values, values.ws ? 'websocket' : 'stream');
  const format = parseFormat(values.output);
  const idleTimeout = parseMilliseconds(values['idle-timeout'], '--idle-timeout');
  const tls = values.tls ? readKeyAndCert(values.key as string, values.cert as string) : undefined;
  const warn = (line: string) => io.stderr.write(`sluice: ${line}\n`);
  const log = (line: string) => values.quiet || warn(line);

  const output = new LineOutput(io.stdout);
  const shutdown = new AbortController();
  const stopInput = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    log(
      values.udp
        ? `${signal}: shutting down (UDP has no connections to wait for)`
        : `${signal}: shutting down (connections get ${CLOSE_TIMEOUT} ms to finish; again to force)`,
    );
    shutdown.abort();
  };
  const onGone = () => shutdown.abort(); // stdout's reader has gone: end quietly
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  output.closed.addEventListener('abort', onGone);
  try {
    if (values.udp)
      return await udpListen(
        { host, port, echo: values.echo, prefix: values.prefix, format, quiet: values.quiet, signal: shutdown.signal },
        io,
      );
    const common = {
      ...(socket === undefined ? { host, port } : { path: socket }),
      signal: shutdown.signal,
      closeTimeout: CLOSE_TIMEOUT,
      ...(idleTimeout === undefined ? {} : { idleTimeout }),
    };
    const listening = values.ws
      ? listenWebSocket({
          ...common,
          maxPayload: codec.maxPayload,
          ...(path === undefined ? {} : { path }),
          ...(tls ? { tls } : {}),
        })
      : listen({ ...common, ...(tls ? { tls, onClientError: (error: Error) => warn(describe(error)) } : {}) });
    const listener = await listening.catch(async (error: unknown) => {
      if (shutdown.signal.aborted && isSluiceError(error, 'ABORT_ERR')) return undefined; // stopped while binding
      if (socket !== undefined && codeOf(error) === 'EADDRINUSE') {
        const holder = await socketHolder(socket);
        if (holder !== undefined) throw new Error(`${describe(error)}: ${holder}`);
      }
      throw error;
    });
    if (listener === undefined) return 0;
    const address = listener.address;
    const bound = 'port' in address ? hostPort(address.host, address.port) : address.path;
    const where = values.ws ? `${values.tls ? 'wss' : 'ws'}://${bound}${path ?? '/'}` : bound;
    // With --port 0 the address is news even to a quiet listener.
    (port === 0 ? warn : log)(`listening on ${where} (codec ${codec.name}${values.echo ? ', echo' : ''})`);

    // Without --echo, stdin's lines go to the clients; read only while one is connected.
    const broadcast = values.echo ? undefined : new Broadcast(warn);
    if (broadcast !== undefined) {
      sendStdin({
        input: io.stdin,
        framed: broadcast,
        codec: codec.name,
        maxLineLength: codec.maxLineLength,
        frameOf: codec.frameOf,
        warn,
        signal: stopInput.signal,
      }).then(
        ({ skipped }) => skipped > 0 && warn(`${count(skipped, 'stdin line')} skipped`),
        (error: unknown) => warn(`cannot read stdin: ${describe(error)}`),
      );
    }

    await listener.serve(
      async (conn, { signal }) => {
        const peer = peerOf(conn);
        log(`${peer} connected`);
        const framed = conn.framed(codec.codec, { signal });
        let unechoed = 0; // frames of a WebSocket closed before their echo could go
        let dropped = false; // too far behind with stdin's lines: told already
        const outbox = broadcast?.join(peer, () => {
          dropped = true;
          conn.destroy();
        });
        const writing = outbox?.run(framed, signal);
        writing?.catch(() => {}); // its failure is the connection's: the reading below meets it too
        try {
          for await (const frame of framed) {
            if (!values.echo) {
              const line = codec.show?.(frame, format) ?? formatFrame(frame, codec.kind, format);
              await output.write(values.prefix ? `${peer}: ${line}` : line, signal);
            } else if (unechoed > 0) unechoed++;
            else {
              try {
                await framed.write(frame, { signal }); // as it came: a JSON frame is its text, not encoded again
              } catch (error) {
                // Its close ends both ways; reading on tells a clean close from a failure (a message too big).
                if (!(values.ws && isSluiceError(error, 'ERR_CLOSED'))) throw error;
                unechoed++;
              }
            }
          }
          // The client has finished sending: the stdin lines queued for it go before the close.
          outbox?.leave();
          await writing;
          if (unechoed > 0) {
            warn(
              `${peer} closed the WebSocket before ${count(unechoed, 'echo', 'echoes')} could be sent (a WebSocket has no half-close)`,
            );
          }
        } catch (error) {
          if (dropped) return;
          if (!(signal.aborted && isSluiceError(error, 'ABORT_ERR'))) throw error;
          // Shutting down: returning closes the connection gracefully, within CLOSE_TIMEOUT.
        } finally {
          outbox?.leave();
          const { bytesIn, bytesOut, framesIn, framesOut } = conn.counters;
          log(
            `${peer} closed: received ${count(framesIn, 'frame')} (${count(bytesIn, 'byte')}), sent ${count(framesOut, 'frame')} (${count(bytesOut, 'byte')})`,
          );
          if (values.once) shutdown.abort();
        }
      },
      {
        signal: shutdown.signal,
        shutdownTimeout: 2 * CLOSE_TIMEOUT,
        onError: (error, conn) => {
          if (isOutputClosed(error) || output.closed.aborted) return;
          warn(`${peerOf(conn)}: ${isBadFrame(error) ? `sent a bad frame: ${describe(error)}` : describe(error)}`);
        },
      },
    );
  } finally {
    stopInput.abort();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    output.closed.removeEventListener('abort', onGone);
    output.dispose();
  }
  return 0;
}

/** The Unix socket path `listen` was given, if any: `./app.sock`, `/run/app.sock` or `unix:app.sock`. */
function socketArgument(positionals: string[]): string | undefined {
  const [argument, ...more] = positionals;
  if (argument === undefined) return undefined;
  if (more.length > 0)
    throw new InvalidArgumentError(`listen takes one socket path, got ${positionals.length} arguments`);
  const path = socketPath(argument);
  if (/^\d+$/.test(argument)) throw new InvalidArgumentError(`listen takes the port as --port ${argument}`);
  if (path === undefined) {
    throw new InvalidArgumentError(
      `"${argument}" is not a socket path: write ./${argument} or unix:${argument} (for TCP: --host H --port P)`,
    );
  }
  return path;
}

/** Clients of a Unix socket have no address: they are numbered, in the order they came. */
const numbered = new WeakMap<Connection, string>();
let clients = 0;

function peerOf(conn: Connection): string {
  const remote = conn.remoteAddress;
  if (remote && 'port' in remote) return hostPort(remote.host, remote.port);
  let name = numbered.get(conn);
  if (name === undefined) numbered.set(conn, (name = `client ${++clients}`));
  return name;
}

/** How long {@link socketHolder} waits for a connection to a socket file (a live server's kernel answers at once). */
const PROBE_TIMEOUT = 1000;

/**
 * Who holds the socket file at `path` that `listen` found in use, told by
 * connecting to it: nobody (ECONNREFUSED: a file left by a process that is
 * gone), or a live server. `undefined` when the connection says neither.
 * Nothing is removed: that is the user's call.
 */
async function socketHolder(path: string): Promise<string | undefined> {
  const shellPath = /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
  return await new Promise((resolve) => {
    const probe = createConnection({ path });
    const done = (answer: string | undefined) => {
      clearTimeout(timer);
      probe.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), PROBE_TIMEOUT);
    probe.once('connect', () =>
      done('a running server is listening on it (stop that one first, or choose another path)'),
    );
    probe.once('error', (error) =>
      done(
        codeOf(error) === 'ECONNREFUSED'
          ? `the socket file is left from a process that is gone: remove it (rm ${shellPath}) and try again`
          : undefined,
      ),
    );
  });
}
