import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@sluice/core';
import { listen } from '@sluice/net';
import { CODEC_HELP, codecByName } from './codec-by-name.js';
import { formatFrame, parseFormat } from './frame-format.js';
import type { CliIo } from './run-cli.js';

export const LISTEN_HELP = `Usage: sluice listen [--host H] --port P [options]

Accepts connections and prints every received frame on its own line, or
echoes frames back with --echo. Runs until interrupted (Ctrl-C), or until the
first connection ends with --once.

Options:
  --host H           address to bind (default 127.0.0.1)
  --port P           port to bind (0 picks a free one; the address is printed on stderr)
  --codec C          frame format (default lines)
  --width, --endian  for --codec lp
  --delimiter D      for --codec lines
  --max-length N     largest frame accepted, in bytes
  --echo             send every frame back to its sender
  --once             exit after the first connection ends
  -o, --output F     how frames are printed: text (default), hex, json
  --tls --key FILE --cert FILE   serve TLS
  -q, --quiet        no connection logs and counts on stderr

${CODEC_HELP}`;

interface ListenValues {
  host: string;
  port?: string | undefined;
  codec: string;
  width?: string | undefined;
  endian?: string | undefined;
  delimiter?: string | undefined;
  'max-length'?: string | undefined;
  output?: string | undefined;
  echo: boolean;
  once: boolean;
  tls: boolean;
  key?: string | undefined;
  cert?: string | undefined;
  quiet: boolean;
}

/** `sluice listen`: a framed server for debugging clients. */
export async function listenCommand(values: ListenValues, io: CliIo): Promise<number> {
  const port = Number(values.port);
  if (values.port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`--port must be a number from 0 to 65535, got "${values.port ?? ''}"`);
  }
  if (values.tls && (values.key === undefined || values.cert === undefined))
    throw new InvalidArgumentError('--tls needs --key and --cert');
  const codec = codecByName({ ...values, maxLength: values['max-length'] });
  const format = parseFormat(values.output);
  const log = (line: string) => values.quiet || io.stderr.write(`sluice: ${line}\n`);

  const shutdown = new AbortController();
  const stop = () => shutdown.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const tls = values.tls
    ? { key: readFileSync(values.key as string), cert: readFileSync(values.cert as string) }
    : undefined;
  const listener = await listen({ host: values.host, port, signal: shutdown.signal, ...(tls ? { tls } : {}) });
  const address = listener.address;
  log(
    `listening on ${'port' in address ? `${address.host}:${address.port}` : address.path} (codec ${values.codec}${values.echo ? ', echo' : ''})`,
  );

  try {
    await listener.serve(
      async (conn) => {
        const peer =
          conn.remoteAddress && 'port' in conn.remoteAddress
            ? `${conn.remoteAddress.host}:${conn.remoteAddress.port}`
            : 'peer';
        log(`${peer} connected`);
        const framed = conn.framed(codec);
        try {
          for await (const frame of framed) {
            if (values.echo) await framed.write(frame);
            else io.stdout.write(`${formatFrame(frame, format)}\n`);
          }
        } finally {
          const { bytesIn, bytesOut, framesIn, framesOut } = conn.counters;
          log(
            `${peer} closed: received ${framesIn} frames (${bytesIn} bytes), sent ${framesOut} frames (${bytesOut} bytes)`,
          );
          if (values.once) shutdown.abort();
        }
      },
      {
        signal: shutdown.signal,
        shutdownTimeout: 5000,
        onError: (error) => log(`connection failed: ${String(error)}`),
      },
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
