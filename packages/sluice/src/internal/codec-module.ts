/** `--codec ./module.js`: a codec of the user's own, imported from a module. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Codec, DecodeError, EncodeError } from '@sluice/codec';
import { InvalidArgumentError, isSluiceError } from '@sluice/core';
import { type Carrier, type CliCodec, type CodecSettings, codecByName } from './codec-by-name.js';
import { codeOf, describe } from './describe-error.js';
import { formatFrame, type OutputFormat } from './frame-format.js';
import { onlyWith } from './options.js';

/** The longest stdin line a module's codec is given, in bytes (as for json). */
const MAX_LINE = 1024 * 1024;

/** True when `--codec` names a module: `./x`, `../x`, `/x`, or a name ending in .js, .mjs, .cjs, .ts, .mts, .cts. */
export function isCodecModule(value: string): boolean {
  const file = value.replace(/#[^/]*$/, '');
  return /^\.{0,2}\//.test(file) || /\.[mc]?[jt]s$/.test(file);
}

/** The codec `--codec` names: a built-in one by name, or a module's (see {@link loadCodecModule}). */
export async function resolveCodec(settings: CodecSettings, carrier: Carrier, cwd = process.cwd()): Promise<CliCodec> {
  const value = settings.codec;
  if (value === undefined || !isCodecModule(value)) return codecByName(settings, carrier);
  onlyWith(
    { ...settings, codec: undefined },
    ['width', 'endian', 'delimiter', 'max-frame-length'],
    false,
    'to the built-in codecs (a codec module has its own settings)',
  );
  return loadCodecModule(value, cwd);
}

/**
 * Imports `--codec PATH[#EXPORT]` (relative to `cwd`): the export (`default`
 * unless `#EXPORT` names one) must be a Codec, or a function that returns
 * one when called with no arguments. The module may also export
 * `fromLine(line)`, which turns a stdin line (a string) into the frame to
 * send (`undefined`: send nothing), and `toLine(frame)`, which turns a
 * received frame into the line to print (`undefined`: as without it; so if
 * it throws). Without them a line is sent as the
 * string it is, and a frame is printed as text if it is a string or bytes,
 * else as JSON. Anything wrong is an `ERR_INVALID_ARG` that says what.
 */
export async function loadCodecModule(value: string, cwd: string): Promise<CliCodec> {
  const hash = /#([^/]*)$/.exec(value);
  const file = hash === null ? value : value.slice(0, hash.index);
  const name = hash?.[1] || 'default';
  const what = `--codec "${value}"`;
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(cwd, file)).href)) as Record<string, unknown>;
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(resolve(cwd, file)))
      throw new InvalidArgumentError(`${what}: no such file (a path is taken from the current directory)`);
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION')
      throw new InvalidArgumentError(
        `${what}: Node cannot import this kind of file by itself (compile it to .js, or run sluice with node --import tsx)`,
      );
    throw new InvalidArgumentError(`${what} failed to load: ${describe(error)}`);
  }
  if (!(name in module)) {
    const others = Object.keys(module).filter((key) => key !== 'default');
    const hint = others.length > 0 ? `; it exports ${others.join(', ')} (pick one with #name)` : '';
    throw new InvalidArgumentError(`${what} has no export "${name}"${hint}`);
  }
  let codec = module[name];
  if (typeof codec === 'function' && !isCodec(codec)) {
    try {
      codec = (codec as () => unknown)();
    } catch (error) {
      throw new InvalidArgumentError(`${what}: its export "${name}" threw when called: ${describe(error)}`);
    }
    if (!isCodec(codec)) {
      throw new InvalidArgumentError(
        `${what}: its export "${name}" is a function, but it returned ${kindOf(codec)}, not a Codec (an object with decoder() and encoder())`,
      );
    }
  }
  if (!isCodec(codec)) {
    throw new InvalidArgumentError(
      `${what}: its export "${name}" is not a Codec (an object with decoder() and encoder()) nor a function returning one, got ${kindOf(codec)}`,
    );
  }
  const fromLine = hook(module, 'fromLine', what);
  const toLine = hook(module, 'toLine', what);
  return {
    name: codec.name ?? file,
    kind: 'bytes',
    codec: contained(codec),
    maxPayload: MAX_LINE,
    maxLineLength: MAX_LINE,
    frameOf: (line) => {
      if (fromLine === undefined) return line;
      try {
        return fromLine(line);
      } catch (error) {
        throw new EncodeError(`fromLine() threw: ${describe(error)}`, { cause: error });
      }
    },
    show: (frame, format) => showFrame(frame, format, toLine),
  };
}

function isCodec(value: unknown): value is Codec<unknown, unknown> {
  const codec = value as Partial<Codec<unknown, unknown>> | null;
  return (
    (typeof codec === 'object' || typeof codec === 'function') &&
    codec !== null &&
    typeof codec.decoder === 'function' &&
    typeof codec.encoder === 'function'
  );
}

function hook(module: Record<string, unknown>, name: string, what: string): ((value: unknown) => unknown) | undefined {
  const value = module[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new InvalidArgumentError(`${what}: its export "${name}" is not a function`);
  return value as (value: unknown) => unknown;
}

/** `codec`, its decoder's and encoder's own errors made ERR_DECODE and ERR_ENCODE (a bad frame, a line skipped). */
function contained(codec: Codec<unknown, unknown>): Codec<unknown, unknown> {
  const wrap = <T>(make: (message: string, cause: unknown) => Error, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      throw isSluiceError(error) ? error : make(describe(error), error);
    }
  };
  const decodeError = (message: string, cause: unknown) => new DecodeError(message, { cause });
  const encodeError = (message: string, cause: unknown) => new EncodeError(message, { cause });
  return {
    ...codec,
    decoder() {
      const inner = wrap(decodeError, () => codec.decoder());
      return {
        decode: (chunk, frames) => wrap(decodeError, () => inner.decode(chunk, frames)),
        end: (frames) => wrap(decodeError, () => inner.end(frames)),
      };
    },
    encoder() {
      const inner = wrap(encodeError, () => codec.encoder());
      return { encode: (frame) => wrap(encodeError, () => inner.encode(frame)) };
    },
  };
}

/** A received frame as one line: `toLine(frame)` if the module has it; else text, bytes as `formatFrame` shows them, or JSON. */
function showFrame(frame: unknown, format: OutputFormat, toLine: ((frame: unknown) => unknown) | undefined): string {
  if (toLine !== undefined) {
    let line: unknown;
    try {
      line = toLine(frame);
    } catch {
      return showFrame(frame, format, undefined); // shown as without the hook
    }
    if (line === undefined) return showFrame(frame, format, undefined); // the hook leaves this one to the default
    return formatFrame(String(line), 'text', format);
  }
  if (typeof frame === 'string') return formatFrame(frame, 'text', format);
  if (frame instanceof Uint8Array) return formatFrame(frame, 'bytes', format);
  const json = JSON.stringify(frame, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  return formatFrame(json ?? String(frame), 'text', format === 'json' ? 'text' : format);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
