import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import { InvalidArgumentError } from '@sluice/core';
import { connect } from '@sluice/net';
import { CODEC_HELP, codecByName } from './codec-by-name.js';
import { formatFrame, frameFromLine, parseFormat } from './frame-format.js';
import type { CliIo } from './run-cli.js';

export const CONNECT_HELP = `Usage: sluice connect HOST:PORT [options]

Sends each line of stdin as one frame, prints each received frame on its own
line, and ends once stdin has ended and the peer has closed.

Options:
  --codec C          frame format (default lines)
  --width, --endian  for --codec lp
  --delimiter D      for --codec lines (\\n by default; escapes like \\r\\n work)
  --max-length N     largest frame accepted or sent, in bytes
  -o, --output F     how received frames are printed: text (default), hex, json
  --tls              connect with TLS (system CAs, hostname checked)
  --ca FILE          trust this CA certificate (PEM) for --tls
  --insecure         with --tls, skip certificate checks (debugging only)
  -q, --quiet        no byte and frame counts on stderr

${CODEC_HELP}`;

interface ConnectValues {
  codec: string;
  width?: string | undefined;
  endian?: string | undefined;
  delimiter?: string | undefined;
  'max-length'?: string | undefined;
  output?: string | undefined;
  tls: boolean;
  ca?: string | undefined;
  insecure: boolean;
  quiet: boolean;
}

/** `sluice connect HOST:PORT`: stdin frames out, received frames to stdout. */
export async function connectCommand(positionals: string[], values: ConnectValues, io: CliIo): Promise<number> {
  const target = positionals[0];
  if (target === undefined || positionals.length > 1)
    throw new InvalidArgumentError('connect needs one HOST:PORT argument');
  const { host, port } = parseHostPort(target);
  const codec = codecByName({ ...values, maxLength: values['max-length'] });
  const format = parseFormat(values.output);
  const tls = values.tls
    ? {
        ...(values.ca ? { ca: readFileSync(values.ca) } : {}),
        ...(values.insecure ? { rejectUnauthorized: false } : {}),
      }
    : undefined;

  await using conn = await connect({ host, port, timeout: 10_000, ...(tls ? { tls } : {}) });
  const framed = conn.framed(codec);
  const sending = (async () => {
    for await (const line of readline.createInterface({ input: io.stdin, crlfDelay: Infinity })) {
      await framed.write(frameFromLine(line, values.codec));
    }
    await framed.closeWrite();
  })();
  for await (const frame of framed) io.stdout.write(`${formatFrame(frame, format)}\n`);
  await sending;
  if (!values.quiet) {
    const { bytesIn, bytesOut, framesIn, framesOut } = conn.counters;
    io.stderr.write(
      `sluice: sent ${framesOut} frames (${bytesOut} bytes), received ${framesIn} frames (${bytesIn} bytes)\n`,
    );
  }
  return 0;
}

/** Parses `host:port`, `[v6]:port` or `:port` (loopback). */
export function parseHostPort(target: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(target);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`"${target}" is not a HOST:PORT address (for example 127.0.0.1:9000)`);
  }
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}
