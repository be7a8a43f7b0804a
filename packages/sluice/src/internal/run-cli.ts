import { parseArgs } from 'node:util';
import { isSluiceError } from '@sluice/core';
import { CONNECT_HELP, connectCommand } from './connect-command.js';
import { LISTEN_HELP, listenCommand } from './listen-command.js';

/** Where the CLI reads and writes: the process's streams, or a test's. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const HELP = `sluice: netcat for framed protocols

Usage:
  sluice listen  [--host H] --port P --codec C [--echo] [--once] [options]
  sluice connect HOST:PORT --codec C [options]

Commands:
  listen    accept connections, print received frames (or echo them with --echo)
  connect   send stdin lines as frames, print received frames, end when both sides are done

Run "sluice <command> --help" for a command's options.`;

/** Options both commands understand. */
export const COMMON_OPTIONS = {
  codec: { type: 'string', default: 'lines' },
  width: { type: 'string' },
  endian: { type: 'string' },
  delimiter: { type: 'string' },
  'max-length': { type: 'string' },
  output: { type: 'string', short: 'o' },
  tls: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  quiet: { type: 'boolean', short: 'q', default: false },
} as const;

/** Runs the CLI with `args`; resolves to the exit code. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(`${HELP}\n`);
      return command === undefined ? 1 : 0;
    }
    if (command === 'listen') {
      const { values } = parseArgs({
        args: rest,
        options: {
          ...COMMON_OPTIONS,
          host: { type: 'string', default: '127.0.0.1' },
          port: { type: 'string' },
          echo: { type: 'boolean', default: false },
          once: { type: 'boolean', default: false },
          key: { type: 'string' },
          cert: { type: 'string' },
        },
        strict: true,
      });
      if (values.help) return help(io, LISTEN_HELP);
      return await listenCommand(values, io);
    }
    if (command === 'connect') {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { ...COMMON_OPTIONS, ca: { type: 'string' }, insecure: { type: 'boolean', default: false } },
        allowPositionals: true,
        strict: true,
      });
      if (values.help) return help(io, CONNECT_HELP);
      return await connectCommand(positionals, values, io);
    }
    io.stderr.write(`sluice: unknown command "${command}"\n\n${HELP}\n`);
    return 2;
  } catch (error) {
    io.stderr.write(`sluice: ${describe(error)}\n`);
    return isUsageError(error) ? 2 : 1;
  }
}

function help(io: CliIo, text: string): number {
  io.stdout.write(`${text}\n`);
  return 0;
}

function isUsageError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    code === 'ERR_INVALID_ARG' ||
    code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
    code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ||
    code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
  );
}

/** A friendly one-line description of what went wrong. */
export function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const address = (error as { address?: string; port?: number }).address;
  const port = (error as { port?: number }).port;
  const where = address === undefined ? '' : ` ${address}${port === undefined ? '' : `:${port}`}`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by${where}: is a server listening there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve host "${(error as { hostname?: string }).hostname ?? address}"`;
    case 'EADDRINUSE':
      return `address already in use:${where}`;
    case 'EACCES':
      return `permission denied for${where} (ports below 1024 need privileges)`;
    default:
      if (isSluiceError(error)) return `${error.message} (${error.code})`;
      return error instanceof Error ? error.message : String(error);
  }
}
