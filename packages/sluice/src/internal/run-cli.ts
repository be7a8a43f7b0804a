import { closestName } from '@sluice/core';
import { CONNECT_HELP, connectCommand } from './connect-command.js';
import { codeOf, describe, oneLine } from './describe-error.js';
import { isOutputClosed } from './line-output.js';
import { LISTEN_HELP, listenCommand } from './listen-command.js';
import { parseCommandLine } from './parse-command-line.js';

/** Where the CLI reads and writes: the process's streams, or a test's. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** What `--version` prints. */
  version?: string | undefined;
}

export const HELP = `sluice: netcat for framed protocols

Usage:
  sluice listen  [--host H] --port P [--ws [--path /P]] [--codec C] [--echo] [--once] [options]
  sluice listen  ./app.sock [--codec C] [--echo] [--once] [options]
  sluice listen  --udp [--host H] --port P [--echo]
  sluice connect HOST:PORT|./app.sock|ws://HOST:PORT/PATH [--codec C] [options]
  sluice connect --udp HOST:PORT
  sluice --version   (or -v, or version)

Commands:
  listen    accept connections (TCP, TLS, Unix socket, WebSocket), print received frames
            (or echo them with --echo), send stdin lines to the clients
  connect   send stdin lines as frames, print received frames, end when both sides are done

A Unix socket is a path with a / in it (./app.sock, /run/app.sock) or unix:PATH.
With --udp each stdin line is one datagram, and each datagram one line of output.

Codecs: lines (the default), lp, varint, json, text; messages (WebSocket only).
Run "sluice <command> --help" for a command's options.`;

/** The commands, for "did you mean" (the flags' spellings are hardly misspelt). */
const COMMANDS = ['listen', 'connect', 'help', 'version'];

/** Options both commands understand. */
export const COMMON_OPTIONS = {
  codec: { type: 'string' },
  width: { type: 'string' },
  endian: { type: 'string' },
  delimiter: { type: 'string' },
  'max-frame-length': { type: 'string' },
  output: { type: 'string', short: 'o' },
  'idle-timeout': { type: 'string' },
  tls: { type: 'boolean', default: false },
  udp: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
} as const;

/** Codes of mistakes on the command line: exit code 2. */
const USAGE_CODES = new Set([
  'ERR_INVALID_ARG',
  'ERR_PARSE_ARGS_UNKNOWN_OPTION',
  'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
  'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
]);

/** Runs the CLI with `args`; resolves to the exit code, having said on stderr (in one line) what went wrong. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(`${HELP}\n`);
      return command === undefined ? 1 : 0;
    }
    if (command === '--version' || command === '-V' || command === '-v' || command === 'version') {
      io.stdout.write(`${io.version ?? 'unknown'}\n`);
      return 0;
    }
    if (command === 'listen') {
      const { values, positionals } = parseCommandLine(
        'listen',
        rest,
        {
          ...COMMON_OPTIONS,
          host: { type: 'string' },
          port: { type: 'string' },
          echo: { type: 'boolean', default: false },
          once: { type: 'boolean', default: false },
          prefix: { type: 'boolean', default: false },
          ws: { type: 'boolean', default: false },
          path: { type: 'string' },
          key: { type: 'string' },
          cert: { type: 'string' },
        },
        true,
      );
      if (values.help) return help(io, LISTEN_HELP);
      return await listenCommand(positionals, values, io);
    }
    if (command === 'connect') {
      const { values, positionals } = parseCommandLine(
        'connect',
        rest,
        {
          ...COMMON_OPTIONS,
          timeout: { type: 'string' },
          ca: { type: 'string' },
          insecure: { type: 'boolean', default: false },
          linger: { type: 'string' },
        },
        true,
      );
      if (values.help) return help(io, CONNECT_HELP);
      return await connectCommand(positionals, values, io);
    }
    const near = closestName(command, COMMANDS);
    io.stderr.write(
      `sluice: unknown command "${command}" (${near === undefined ? '' : `did you mean ${near}? `}try sluice --help)\n`,
    );
    return 2;
  } catch (error) {
    if (isOutputClosed(error)) return 0;
    const usage = USAGE_CODES.has(codeOf(error) ?? '');
    // A usage mistake is told without its code, which says nothing a user needs.
    io.stderr.write(`sluice: ${usage ? oneLine(String((error as Error).message)) : describe(error)}\n`);
    return usage ? 2 : 1;
  }
}

function help(io: CliIo, text: string): number {
  io.stdout.write(`${text}\n`);
  return 0;
}
