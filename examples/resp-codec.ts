/**
 * A custom codec, worked in full: RESP, the Redis serialization protocol
 * (RESP2). Plug it into any connection with `conn.framed(resp())`: see
 * examples/redis-resp.ts, which talks to a real redis-server with it, and
 * docs/codecs.md, which walks through it.
 *
 * A codec is two small halves, each created fresh for every stream:
 * - a decoder, fed byte chunks in order, pushing the values they complete
 *   onto the array it is given and keeping the incomplete rest for the next
 *   chunk;
 * - an encoder, turning one value into the bytes that carry it.
 *
 * What makes this one safe to point at an untrusted peer:
 * - one value may take at most `maxFrameLength` bytes, checked on the `$` header
 *   before the payload is buffered: `$2000000000` fails at once;
 * - nesting is bounded by `maxDepth` (no stack to blow up: arrays are
 *   filled from an explicit stack, not by recursion);
 * - decoding is linear: a value spread over many chunks is parsed once. The
 *   decoder knows how many bytes it waits for (a bulk string's length, or
 *   "a line feed") and only stores chunks until then;
 * - the encoder refuses what the decoder would refuse;
 * - values completed before a malformed one are pushed before the error is
 *   thrown, so the reader hands them out first.
 *
 * The wire format, one type per first byte, every line ending in CRLF:
 *   +OK            simple string      -ERR no such key    error
 *   :42            integer            $5 hello            bulk string (`$-1`: null)
 *   *2 …           array of 2 values (`*-1`: null)
 *
 * Not a program: imported by redis-resp.ts, tested by
 * packages/sluice/test/resp-codec.test.ts.
 */
import {
  type Codec,
  DecodeError,
  type Decoder,
  EncodeError,
  type Encoder,
  FrameTooLongError,
  TruncatedFrameError,
} from 'sluice';

/** An error reply (`-ERR …`): a value the server sent, not an exception of the codec. */
export class RespError {
  constructor(readonly message: string) {}
}

/** A RESP value. Bulk strings decode to `string` or `Uint8Array`, see {@link RespOptions.bulk}. */
export type RespValue = string | number | bigint | Uint8Array | null | RespError | RespValue[];

/** Options of {@link resp}. */
export interface RespOptions {
  /**
   * How bulk strings are decoded: `'utf8'` to strings, or `'bytes'` to
   * `Uint8Array` *views* of the received bytes (no copy, but each view keeps
   * the chunk it came from alive; copy with `slice()` to keep one long).
   * @default 'utf8'
   */
  bulk?: 'utf8' | 'bytes';
  /** The most bytes one value may take on the wire, nested values included. @default 16777216 (16 MiB) */
  maxFrameLength?: number;
  /** The deepest nesting of arrays. @default 32 */
  maxDepth?: number;
}

/**
 * The RESP2 codec. Decodes replies (or requests) to {@link RespValue}s.
 * Encodes values, strings always as binary-safe bulk strings, so a Redis
 * command is an array of strings: `io.write(['SET', 'key', 'value'])`.
 */
export function resp(options: RespOptions = {}): Codec<RespValue> {
  const limits: Limits = {
    bulk: options.bulk ?? 'utf8',
    maxFrameLength: options.maxFrameLength ?? 16 * 1024 * 1024,
    maxDepth: options.maxDepth ?? 32,
  };
  return { name: 'resp', decoder: () => new RespDecoder(limits), encoder: () => new RespEncoder(limits) };
}

type Limits = Required<RespOptions>;

const CR = 0x0d;
const LF = 0x0a;
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** What the decoder waits for before parsing again: a line feed, or a byte count. */
type Wait = { line: true } | { line: false; bytes: number };

class RespDecoder implements Decoder<RespValue> {
  /** Bytes not parsed yet: the start of the value (or part of one) being received. */
  #buffer: Uint8Array = EMPTY;
  /** Chunks stored (not copied) while waiting. */
  #stored: Uint8Array[] = [];
  #storedBytes = 0;
  #wait: Wait = { line: false, bytes: 1 };
  /** Arrays being filled, innermost last. */
  #stack: Array<{ items: RespValue[]; remaining: number }> = [];
  /** Bytes of the current top-level value already parsed. */
  #valueBytes = 0;

  constructor(private readonly limits: Limits) {}

  decode(chunk: Uint8Array, values: RespValue[]): void {
    this.#stored.push(chunk);
    this.#storedBytes += chunk.length;
    const available = this.#buffer.length + this.#storedBytes;
    this.#checkLength(available);
    const ready = this.#wait.line ? chunk.includes(LF) : available >= this.#wait.bytes;
    if (!ready) return;
    this.#buffer = concat([this.#buffer, ...this.#stored], available);
    this.#stored = [];
    this.#storedBytes = 0;
    // Values pushed before a malformed one stay pushed when it throws: none is lost.
    this.#parse(values);
  }

  end(): void {
    const left = this.#buffer.length + this.#storedBytes + this.#valueBytes;
    if (left > 0) throw new TruncatedFrameError(left);
  }

  #parse(values: RespValue[]): void {
    const buffer = this.#buffer;
    let at = 0;
    for (;;) {
      if (at === buffer.length) {
        this.#wait = { line: false, bytes: 1 };
        break;
      }
      const lf = buffer.indexOf(LF, at);
      if (lf < 0) {
        this.#wait = { line: true };
        break;
      }
      if (lf === at || buffer[lf - 1] !== CR) throw new DecodeError('RESP: a line does not end with CRLF');
      const type = buffer[at] as number;
      const line = utf8.decode(buffer.subarray(at + 1, lf - 1));
      let next = lf + 1;
      let value: RespValue;
      if (type === 0x2b /* + */) value = line;
      else if (type === 0x2d /* - */) value = new RespError(line);
      else if (type === 0x3a /* : */) value = parseInteger(line);
      else if (type === 0x24 /* $ */) {
        const length = parseLength(line);
        if (length < 0) value = null;
        else {
          // The limit is checked on the header, before the payload is buffered.
          const total = this.#valueBytes + (next - at) + length + 2;
          if (total > this.limits.maxFrameLength)
            throw new FrameTooLongError(total, this.limits.maxFrameLength, 'RESP value');
          if (buffer.length < next + length + 2) {
            this.#wait = { line: false, bytes: next + length + 2 - at };
            break;
          }
          if (buffer[next + length] !== CR || buffer[next + length + 1] !== LF) {
            throw new DecodeError(`RESP: a ${length}-byte bulk string is not followed by CRLF`);
          }
          const bytes = buffer.subarray(next, next + length);
          value = this.limits.bulk === 'utf8' ? utf8.decode(bytes) : bytes;
          next += length + 2;
        }
      } else if (type === 0x2a /* * */) {
        const count = parseLength(line);
        if (count > 0) {
          if (this.#stack.length >= this.limits.maxDepth)
            throw new DecodeError(`RESP: arrays nested deeper than ${this.limits.maxDepth}`);
          this.#stack.push({ items: [], remaining: count });
          this.#consume(next - at);
          at = next;
          continue;
        }
        value = count === 0 ? [] : null;
      } else throw new DecodeError(`RESP: unknown type byte 0x${type.toString(16).padStart(2, '0')}`);
      this.#consume(next - at);
      at = next;
      const complete = this.#place(value);
      if (complete !== undefined) values.push(complete.value);
    }
    this.#buffer = at === buffer.length ? EMPTY : buffer.subarray(at);
  }

  /** Adds `value` to the array being filled; returns the top-level value once one is complete. */
  #place(value: RespValue): { value: RespValue } | undefined {
    for (;;) {
      const open = this.#stack.at(-1);
      if (open === undefined) {
        this.#valueBytes = 0;
        return { value };
      }
      open.items.push(value);
      if (--open.remaining > 0) return undefined;
      this.#stack.pop();
      value = open.items;
    }
  }

  #consume(bytes: number): void {
    this.#valueBytes += bytes;
    this.#checkLength(0);
  }

  #checkLength(unparsed: number): void {
    const total = this.#valueBytes + unparsed;
    if (total > this.limits.maxFrameLength)
      throw new FrameTooLongError(total, this.limits.maxFrameLength, 'RESP value');
  }
}

function parseInteger(line: string): number | bigint {
  if (!/^[-+]?\d+$/.test(line)) throw new DecodeError(`RESP: bad integer "${line}"`);
  const value = Number(line);
  return Number.isSafeInteger(value) ? value : BigInt(line);
}

function parseLength(line: string): number {
  const value = Number(line);
  if (!/^-?\d+$/.test(line) || !Number.isSafeInteger(value) || value < -1)
    throw new DecodeError(`RESP: bad length "${line}"`);
  return value;
}

class RespEncoder implements Encoder<RespValue> {
  constructor(private readonly limits: Limits) {}

  encode(value: RespValue): Uint8Array {
    const parts: Uint8Array[] = [];
    this.#write(value, parts, 0);
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    if (length > this.limits.maxFrameLength)
      throw new FrameTooLongError(length, this.limits.maxFrameLength, 'RESP value');
    return concat(parts, length);
  }

  #write(value: RespValue, parts: Uint8Array[], depth: number): void {
    if (value === null) parts.push(utf8Encoder.encode('$-1\r\n'));
    else if (typeof value === 'string' || value instanceof Uint8Array) {
      const bytes = typeof value === 'string' ? utf8Encoder.encode(value) : value;
      parts.push(utf8Encoder.encode(`$${bytes.length}\r\n`), bytes, utf8Encoder.encode('\r\n'));
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      if (typeof value === 'number' && !Number.isSafeInteger(value))
        throw new EncodeError(`RESP: cannot encode ${value}: not a safe integer`);
      parts.push(utf8Encoder.encode(`:${value}\r\n`));
    } else if (value instanceof RespError) {
      if (/[\r\n]/.test(value.message))
        throw new EncodeError('RESP: cannot encode an error message containing CR or LF');
      parts.push(utf8Encoder.encode(`-${value.message}\r\n`));
    } else {
      if (value.length > 0 && depth >= this.limits.maxDepth)
        throw new EncodeError(`RESP: cannot encode arrays nested deeper than ${this.limits.maxDepth}`);
      parts.push(utf8Encoder.encode(`*${value.length}\r\n`));
      for (const item of value) this.#write(item, parts, depth + 1);
    }
  }
}

/** Joins `parts` (`length` bytes in all); a single part is returned as is, not copied. */
function concat(parts: Uint8Array[], length: number): Uint8Array {
  const nonEmpty = parts.filter((part) => part.length > 0);
  if (nonEmpty.length === 1) return nonEmpty[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of nonEmpty) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
