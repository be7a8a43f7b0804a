import { InvalidArgumentError } from '@sluice/core';
import { connect } from '@sluice/net';
import { CODEC_HELP, type CodecSettings, codecByName } from './codec-by-name.js';
import { describe, isBadFrame } from './describe-error.js';
import { formatFrame, parseFormat } from './frame-format.js';
import { isOutputClosed, LineOutput } from './line-output.js';
import { count, onlyWith, parseHostPort, parseMilliseconds, readFileOption } from './options.js';
import type { CliIo } from './run-cli.js';
import { sendStdin } from './send-stdin.js';

export const CONNECT_HELP = `Usage: sluice connect HOST:PORT [options]

Sends each line of stdin as one frame, prints each received frame on its own
line, and ends once stdin has ended and the peer has closed. HOST may be a
name, an IPv4 address, or an IPv6 address in brackets: [::1]:9000. With lp
and varint each line is sent as its raw bytes; the other codecs take UTF-8.

A stdin line that cannot be sent (not UTF-8, not JSON, over --max-frame-length)
is reported on stderr and skipped; the exit code is then 1. A reset or a bad
frame from the peer ends the command at once with exit code 1, and so does a
peer that closes the connection before stdin has ended (a listener drops a
client that sent it a bad frame).

Options:
  --codec C          frame format (default lines)
  --width, --endian  for --codec lp
  --delimiter D      for --codec lines (\\n by default; escapes like \\r\\n work)
  --max-frame-length N     largest frame accepted or sent, in bytes
  -o, --output F     how received frames are printed: text (default), hex, json
  --timeout MS       give up connecting after MS milliseconds (default 10000; 0: never)
  --idle-timeout MS  close the connection after MS milliseconds with no traffic
  --tls              connect with TLS (system CAs, hostname checked)
  --ca FILE          with --tls, trust this CA certificate (PEM)
  --insecure         with --tls, skip certificate checks (debugging only)
  -q, --quiet        no byte and frame counts on stderr

${CODEC_HELP}`;

interface ConnectValues extends CodecSettings {
  output?: string | undefined;
  timeout?: string | undefined;
  'idle-timeout'?: string | undefined;
  tls: boolean;
  ca?: string | undefined;
  insecure: boolean;
  quiet: boolean;
}

/** `sluice connect HOST:PORT`: stdin frames out, received frames to stdout. Resolves to the exit code. */
export async function connectCommand(positionals: string[], values: ConnectValues, io: CliIo): Promise<number> {
  const target = positionals[0];
  if (target === undefined || positionals.length > 1)
    throw new InvalidArgumentError('connect needs one HOST:PORT argument');
  const { host, port } = parseHostPort(target);
  const codec = codecByName(values);
  const format = parseFormat(values.output);
  onlyWith({ ca: values.ca, insecure: values.insecure }, ['ca', 'insecure'], values.tls, 'with --tls');
  const timeout = values.timeout === undefined ? 10_000 : parseMilliseconds(values.timeout, '--timeout');
  const idleTimeout = parseMilliseconds(values['idle-timeout'], '--idle-timeout');
  const tls = values.tls
    ? {
        ...(values.ca ? { ca: readFileOption(values.ca, '--ca') } : {}),
        ...(values.insecure ? { rejectUnauthorized: false } : {}),
      }
    : undefined;
  const warn = (line: string) => io.stderr.write(`sluice: ${line}\n`);

  await using conn = await connect({
    host,
    port,
    ...(timeout === undefined ? {} : { timeout }),
    ...(idleTimeout === undefined ? {} : { idleTimeout }),
    ...(tls ? { tls } : {}),
  });
  const framed = conn.framed(codec.codec, { keepOpen: true });
  const output = new LineOutput(io.stdout);
  const stopInput = new AbortController();
  let inputEnded = false;
  const sending = sendStdin({
    input: io.stdin,
    framed,
    codec: codec.name,
    warn,
    onInputEnd: () => (inputEnded = true),
    signal: stopInput.signal,
  });
  // A write that fails (a reset) ends the reading below with the same error;
  // a connection that dies (an idle timeout) stops reading stdin.
  sending.catch((error: unknown) => conn.destroy(error instanceof Error ? error : new Error(String(error))));
  void conn.closed.then(() => stopInput.abort());
  try {
    // One frame at a time, each written out before the next is read: stdout's pace is the socket's.
    for await (const frame of framed) await output.write(formatFrame(frame, codec.kind, format));
  } catch (error) {
    stopInput.abort();
    conn.destroy();
    if (isOutputClosed(error)) return 0; // `| head` has what it wanted
    warn(isBadFrame(error) ? `the peer sent a bad frame: ${describe(error)}` : describe(error));
    return 1;
  } finally {
    output.dispose();
  }
  // The peer ended while stdin still had lines to give: whatever is left would
  // go unanswered, or nowhere at all (a peer that dropped us), so stop here.
  const peerClosedFirst = !inputEnded;
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
