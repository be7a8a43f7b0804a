/** Reading one command's flags with node's parseArgs, with messages a user can act on. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closestName, InvalidArgumentError } from '@sluice/core';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: boolean }>
>;

/** Flags of the other command, and what this command takes instead (if anything). */
const ELSEWHERE: Record<string, Record<string, { of: string; instead?: string }>> = {
  connect: {
    key: { of: 'listen', instead: 'connect takes --tls, --ca, --insecure' },
    cert: { of: 'listen', instead: 'connect takes --tls, --ca, --insecure' },
    host: { of: 'listen', instead: 'connect takes the address as HOST:PORT' },
    port: { of: 'listen', instead: 'connect takes the address as HOST:PORT' },
    echo: { of: 'listen' },
    once: { of: 'listen' },
    prefix: { of: 'listen' },
    ws: { of: 'listen', instead: 'connect takes a ws:// or wss:// URL' },
    path: { of: 'listen', instead: 'connect takes the path in its ws:// URL' },
  },
  listen: {
    ca: { of: 'connect', instead: 'listen takes --tls, --key, --cert' },
    insecure: { of: 'connect', instead: 'listen takes --tls, --key, --cert' },
    timeout: { of: 'connect' },
    linger: { of: 'connect' },
  },
};

/**
 * parseArgs in strict mode for `command`, after four checks of its own:
 * an unknown flag is named in one short line (with the command it belongs
 * to, if any); a flag that needs a value and is followed by another flag,
 * or by nothing, says so; a flag that takes one value and is given twice
 * is refused; and a value that starts with `-` (`--port -1`) is taken as
 * the flag's value, so that the flag's own check names it.
 */
export function parseCommandLine<const T extends Options>(
  command: string,
  args: string[],
  options: T,
  positionals: boolean,
): Parsed<T> {
  const elsewhere = ELSEWHERE[command] ?? {};
  const isFlag = (arg: string) => {
    if (arg === '--') return true;
    const name = /^--([^=]+)/.exec(arg)?.[1];
    if (name !== undefined) return name in options || name in elsewhere;
    return /^-[^-\d]/.test(arg) && Object.values(options).some((option) => option.short === arg[1]);
  };
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const given = [...args];
  const joined = new Set<number>(); // indexes of values now written as --flag=value
  const values = new Map<string, string>(); // each string flag's value
  for (const token of tokens) {
    if (token.kind === 'option-terminator') break;
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (option === undefined) {
      const other = elsewhere[token.name];
      const help = `see sluice ${command} --help`;
      const near = other === undefined ? closestName(token.name, Object.keys(options)) : undefined;
      throw new InvalidArgumentError(
        other === undefined
          ? `unknown option ${token.rawName} (${near === undefined ? '' : `did you mean --${near}? `}${help})`
          : `${token.rawName} is a ${other.of} option${other.instead ? `; ${other.instead}` : ` (${help})`}`,
      );
    }
    if (option.type !== 'string') continue;
    if (!token.inlineValue && (token.value === undefined || isFlag(token.value)))
      throw new InvalidArgumentError(`--${token.name} needs a value`);
    // parseArgs would keep the last one in silence: which did the user mean?
    const earlier = values.get(token.name);
    if (earlier !== undefined && !option.multiple) {
      throw new InvalidArgumentError(
        `--${token.name} was given twice ("${earlier}", then "${token.value ?? ''}"): give it once`,
      );
    }
    values.set(token.name, token.value ?? '');
    if (token.inlineValue) continue;
    // `--port -1`: strict parseArgs calls this ambiguous; `--port=-1` says what is meant.
    if (token.value.startsWith('-')) {
      given[token.index] = `--${token.name}=${token.value}`;
      joined.add(token.index + 1);
    }
  }
  return parseArgs({
    args: given.filter((_, i) => !joined.has(i)),
    options,
    strict: true,
    allowPositionals: positionals,
  });
}
