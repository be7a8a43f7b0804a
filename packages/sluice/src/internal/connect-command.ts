import { InvalidArgumentError } from '@sluice/core';
import { connect } from '@sluice/net';
import { connect as connectWebSocket } from '@sluice/ws';
import { CODEC_HELP, type CodecSettings, DELIMITER_ESCAPES } from './codec-by-name.js';
import { resolveCodec } from './codec-module.js';
import { describe, isBadFrame } from './describe-error.js';
import { formatFrame, parseFormat } from './frame-format.js';
import { onInterrupt } from './interrupt.js';
import { isOutputClosed, LineOutput } from './line-output.js';
import { Linger } from './linger.js';
import { count, onlyWith, parseConnectTarget, parseMilliseconds, readCa } from './options.js';
import type { CliIo } from './run-cli.js';
import { sendStdin } from './send-stdin.js';
import { MAX_DATAGRAM, refuseWithUdp, udpConnect, udpTarget } from './udp-command.js';

export const CONNECT_HELP = `Usage: sluice connect HOST:PORT [options]
       sluice connect ./app.sock [options]             (a Unix socket: a path with a /, or unix:PATH)
       sluice connect ws://HOST:PORT/PATH [options]     (or wss://)
       sluice connect --udp HOST:PORT [-o F] [--linger MS]

Sends each line of stdin as one frame, prints each received frame on its own
line, and ends once stdin has ended and the peer has closed. HOST may be a
name, an IPv4 address, or an IPv6 address in brackets: [::1]:9000. With lp,
varint and messages each line is sent as its raw bytes; the other codecs take
UTF-8. With json each line goes out as typed, once it parses.

A stdin line that cannot be sent (not UTF-8, not JSON, over --max-frame-length)
is reported on stderr and skipped; the exit code is then 1. A line over the
limit is refused as soon as that much of it has come, and the rest of it is
dropped as it arrives (never held whole); with text, which has no limit, a
long line goes out in pieces. A reset or a bad
frame from the peer ends the command at once with exit code 1, and so does a
peer that closes the connection before stdin has ended (a listener drops a
client that sent it a bad frame).

A ws:// or wss:// URL connects over WebSocket; --codec json is then one JSON
value per message. A WebSocket has no half-close (closing ends both ways), so
once stdin has ended, connect reads on until the peer has sent nothing for
--linger milliseconds, and then closes.

With --udp each stdin line (its bytes, without the newline; at most
${MAX_DATAGRAM}) is sent as one datagram to HOST:PORT, and each datagram from
there is printed on one line (-o text drops one trailing newline of it; the
socket is connected, so no one else's reach it). UDP has no close: once stdin
has ended, connect waits until HOST:PORT has been quiet for --linger
milliseconds. If the kernel reports that nothing listens there (ICMP port
unreachable), connect says so and exits 1. --udp takes no --codec: a
datagram is one frame.

Options:
  --codec C          frame format (default lines)
  --width, --endian  for --codec lp
  --delimiter D      for --codec lines (default \\n); escapes:
                     ${DELIMITER_ESCAPES}
  --max-frame-length N     largest frame accepted or sent, in bytes
  -o, --output F     how received frames are printed: text (default), hex, json
  --timeout MS       give up connecting after MS milliseconds (default 10000; 0: never)
  --idle-timeout MS  close the connection after MS milliseconds with no traffic
  --tls              connect with TLS (system CAs, hostname checked)
  --ca FILE          with --tls or wss://, trust this CA certificate (PEM)
  --insecure         with --tls or wss://, skip certificate checks (debugging only)
  --linger MS        WebSocket and --udp: after stdin has ended, close once the peer
                     has been quiet this long (default 1000; 0: wait for the peer to close)
  --udp              UDP datagrams to HOST:PORT instead of a TCP connection
  -q, --quiet        no byte and frame counts on stderr

${CODEC_HELP}`;

interface ConnectValues extends CodecSettings {
  output?: string | undefined;
  timeout?: string | undefined;
  'idle-timeout'?: string | undefined;
  tls: boolean;
  ca?: string | undefined;
  insecure: boolean;
  linger?: string | undefined;
  quiet: boolean;
  udp: boolean;
}

/** How long a WebSocket peer must be quiet, after stdin has ended, before connect closes. */
const DEFAULT_LINGER = '1000';

/** `sluice connect HOST:PORT` or `sluice connect ws://…`: stdin frames out, received frames to stdout. Resolves to the exit code. */
export async function connectCommand(positionals: string[], values: ConnectValues, io: CliIo): Promise<number> {
  const target = positionals[0];
  if (target === undefined || positionals.length > 1)
    throw new InvalidArgumentError('connect needs one HOST:PORT or ws:// URL argument');
  const where = parseConnectTarget(target);
  const websocket = where.kind === 'websocket';
  const format = parseFormat(values.output);
  if (values.udp) {
    udpTarget(where);
    refuseWithUdp({ ...values, udp: undefined }, ['timeout', 'ca', 'insecure']);
    const lingerMs = parseMilliseconds(values.linger ?? DEFAULT_LINGER, '--linger');
    return await udpConnect(where as { host: string; port: number }, format, lingerMs, values.quiet, io);
  }
  if (where.kind === 'ipc' && values.tls) throw new InvalidArgumentError('--tls does not apply to a Unix socket');
  const codec = await resolveCodec(values, websocket ? 'websocket' : 'stream');
  const secure = websocket ? where.url.protocol === 'wss:' : values.tls;
  if (websocket) {
    if (values.tls) throw new InvalidArgumentError('--tls does not apply to a WebSocket URL (wss:// is the TLS one)');
    onlyWith({ ca: values.ca, insecure: values.insecure }, ['ca', 'insecure'], secure, 'to wss:// URLs');
  } else {
    onlyWith({ ca: values.ca, insecure: values.insecure }, ['ca', 'insecure'], values.tls, 'with --tls');
    onlyWith({ linger: values.linger }, ['linger'], false, 'to ws:// and wss:// URLs, and with --udp');
  }
  const timeout = values.timeout === undefined ? 10_000 : parseMilliseconds(values.timeout, '--timeout');
  const idleTimeout = parseMilliseconds(values['idle-timeout'], '--idle-timeout');
  const lingerMs = websocket ? parseMilliseconds(values.linger ?? DEFAULT_LINGER, '--linger') : undefined;
  const tls = secure
    ? {
        ...(values.ca ? { ca: readCa(values.ca) } : {}),
        ...(values.insecure ? { rejectUnauthorized: false } : {}),
      }
    : undefined;
  const warn = (line: string) => io.stderr.write(`sluice: ${line}\n`);

  const limits = {
    ...(timeout === undefined ? {} : { timeout }),
    ...(idleTimeout === undefined ? {} : { idleTimeout }),
  };
  await using conn =
    where.kind === 'websocket'
      ? await connectWebSocket(where.url, { ...limits, maxPayload: codec.maxPayload, ...(tls ? { tls } : {}) })
      : await connect({
          ...(where.kind === 'ipc' ? { path: where.path } : { host: where.host, port: where.port }),
          ...limits,
          ...(tls ? { tls } : {}),
        });
  const linger = websocket ? new Linger(lingerMs, () => conn.counters.bytesIn) : undefined;
  const framed = conn.framed(codec.codec, { keepOpen: true });
  const output = new LineOutput(io.stdout);
  const stopInput = new AbortController();
  let inputEnded = false;
  const sending = sendStdin({
    input: io.stdin,
    framed,
    codec: codec.name,
    maxLineLength: codec.maxLineLength,
    frameOf: codec.frameOf,
    warn,
    onInputEnd: () => (inputEnded = true),
    beforeCloseWrite: linger && ((signal) => linger.quiet(signal)),
    signal: stopInput.signal,
  });
  // A write that fails (a reset) ends the reading below with the same error;
  // a connection that dies (an idle timeout) stops reading stdin.
  sending.catch((error: unknown) => conn.destroy(error instanceof Error ? error : new Error(String(error))));
  void conn.closed.then(() => stopInput.abort());
  // Ctrl-C ends it as an end does, with the counts (and exit code 0, as listen's).
  let interrupted: NodeJS.Signals | undefined;
  const stopListening = onInterrupt((signal) => {
    interrupted = signal;
    stopInput.abort();
    conn.destroy();
  });
  try {
    // One frame at a time, each written out before the next is read: stdout's pace is the socket's.
    for await (const frame of framed) {
      linger?.received();
      await output.write(codec.show?.(frame, format) ?? formatFrame(frame, codec.kind, format));
      linger?.reading();
    }
  } catch (error) {
    stopInput.abort();
    conn.destroy();
    if (isOutputClosed(error)) return 0; // `| head` has what it wanted
    if (interrupted === undefined) {
      warn(isBadFrame(error) ? `the peer sent a bad frame: ${describe(error)}` : describe(error));
      return 1;
    }
  } finally {
    stopListening();
    output.dispose();
  }
  if (interrupted !== undefined && !values.quiet) warn(`${interrupted}: interrupted`);
  // The peer ended while stdin still had lines to give: whatever is left would
  // go unanswered, or nowhere at all (a peer that dropped us), so stop here.
  const peerClosedFirst = !inputEnded && interrupted === undefined;
  if (peerClosedFirst) stopInput.abort();
  const { skipped } = await sending;
  if (!values.quiet) {
    const { bytesIn, bytesOut, framesIn, framesOut } = conn.counters;
    warn(
      `sent ${count(framesOut, 'frame')} (${count(bytesOut, 'byte')}), received ${count(framesIn, 'frame')} (${count(bytesIn, 'byte')})`,
    );
  }
  if (skipped > 0) warn(`${count(skipped, 'stdin line')} skipped`);
  if (peerClosedFirst) {
    warn('the peer closed the connection before stdin ended');
    return 1;
  }
  return skipped === 0 ? 0 : 1;
}
