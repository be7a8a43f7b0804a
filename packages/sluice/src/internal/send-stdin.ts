import type { Readable } from 'node:stream';
import { FrameTooLongError } from '@sluice/codec';
import { isSluiceError } from '@sluice/core';
import { describe, isUnsendable } from './describe-error.js';
import { frameFromLine } from './frame-format.js';

/** Where frames go: a connection's `Framed`, or `sluice listen`'s broadcast to its clients. */
export interface FrameSink {
  write(frame: unknown, options?: { signal?: AbortSignal | undefined }): Promise<void>;
  closeWrite(): Promise<void>;
}

/** Where stdin's lines go, and what to do with a line that cannot be a frame. */
export interface SendStdinOptions {
  input: NodeJS.ReadableStream;
  framed: FrameSink;
  /** The codec's name: how a line becomes a frame. */
  codec: string;
  /** Told about each line skipped, in one line. */
  warn: (line: string) => void;
  /** A codec module's way from a line (UTF-8) to a frame, instead of the codec name's. */
  frameOf?: ((line: string) => unknown) | undefined;
  /** The longest line that can be a frame, in bytes (refused while read); `undefined`: send long lines in pieces. */
  maxLineLength?: number | undefined;
  /** Called once stdin has ended, before the half-close is sent. */
  onInputEnd?: (() => void) | undefined;
  /**
   * Awaited after stdin has ended, before the half-close: a WebSocket has
   * none, its close ends both ways, so it waits there for the peer's replies.
   */
  beforeCloseWrite?: ((signal: AbortSignal) => Promise<void>) | undefined;
  /** Aborting stops reading stdin at once (the connection failed or closed). */
  signal: AbortSignal;
}

/** How sending stdin went. */
export interface Sent {
  /** Lines that could not be frames, reported and skipped. */
  skipped: number;
  /** False if `signal` stopped it before stdin ended. */
  complete: boolean;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Sends each line of stdin as one frame, then half-closes (after
 * `beforeCloseWrite`, unless the connection closed meanwhile). Lines are split
 * on the bytes `\n` and `\r\n`, and each reaches the codec as the bytes it
 * was (binary codecs send them untouched; text codecs refuse a line that is
 * not UTF-8). A line that cannot be a frame (not UTF-8, bad JSON, over
 * `--max-frame-length`) is reported and skipped; the lines around it still
 * go. A line over `maxLineLength` is refused as soon as that many bytes have
 * come, and the rest of it is read and dropped, never held. Rejects with the
 * connection's error.
 */
export async function sendStdin(options: SendStdinOptions): Promise<Sent> {
  const { framed, codec, warn, signal } = options;
  let lineNumber = 0;
  let skipped = 0;
  let inLine = false; // the last piece was the start of a line, with more to come
  let skipping = false; // the rest of this line goes nowhere: a piece of it was refused
  try {
    for await (const piece of piecesOf(options.input, signal, options.maxLineLength)) {
      if (!inLine) lineNumber++;
      const started = inLine; // a piece of this line has gone already
      if (!inLine) skipping = false;
      inLine = piece.kind === 'part';
      if (skipping) continue;
      try {
        if (piece.kind === 'too-long') throw new FrameTooLongError(piece.size, piece.limit, 'Line');
        const frame = options.frameOf
          ? options.frameOf(frameFromLine(piece.bytes, 'lines') as string)
          : frameFromLine(piece.bytes, codec, piece.kind === 'part');
        if (frame !== undefined) await framed.write(frame, { signal });
      } catch (error) {
        if (signal.aborted && isSluiceError(error, 'ABORT_ERR')) break;
        if (!isUnsendable(error)) throw error;
        warn(`stdin line ${lineNumber}${started ? ', the rest of it,' : ''} skipped: ${describe(error)}`);
        skipped++;
        skipping = inLine;
      }
      if (signal.aborted) break;
    }
  } catch (error) {
    if (!(signal.aborted && isSluiceError(error, 'ABORT_ERR'))) throw error;
  }
  if (signal.aborted) return { skipped, complete: false };
  options.onInputEnd?.();
  await options.beforeCloseWrite?.(signal);
  if (!signal.aborted) await framed.closeWrite();
  return { skipped, complete: true };
}

/** What stdin gives: a whole line, the start of a long one (more follows), or a line refused as too long. */
type Piece = { kind: 'line' | 'part'; bytes: Uint8Array } | { kind: 'too-long'; size: number; limit: number };

/** Without a line limit (the unframed text codec), a long line goes out in pieces of about this many bytes. */
const PIECE = 64 * 1024;

/**
 * The lines of `input` as bytes, without their `\n` or `\r\n`; a last line
 * without a newline counts too. A line longer than `maxLength` bytes is
 * reported as `too-long` once that much of it has come, and the rest of it is
 * dropped as it arrives; without `maxLength`, a long line comes in `part`s
 * (cut between UTF-8 characters) followed by a `line` with its end. Either
 * way no more than a limit and a chunk is held. Pulls one chunk at a time, so
 * stdin is read no faster than lines are sent. Stops (leaving `input` open)
 * once `signal` aborts.
 */
async function* piecesOf(
  input: NodeJS.ReadableStream,
  signal: AbortSignal,
  maxLength: number | undefined,
): AsyncGenerator<Piece> {
  const readable = input as Partial<Readable> & NodeJS.ReadableStream;
  const chunks: AsyncIterator<string | Buffer> =
    readable.iterator?.({ destroyOnReturn: false }) ?? input[Symbol.asyncIterator]();
  let held: Buffer[] = []; // the start of a line that has no newline yet
  let heldLength = 0;
  let dropping = false; // inside a line already refused as too long
  const take = (end: Buffer) => {
    const bytes = held.length === 0 ? end : Buffer.concat([...held, end]);
    held = [];
    heldLength = 0;
    return bytes;
  };
  const line = (end: Buffer) => {
    const bytes = take(end);
    return bytes.at(-1) === CR ? bytes.subarray(0, -1) : bytes;
  };
  try {
    for (;;) {
      const next = await nextUnlessAborted(chunks, signal);
      if (next === undefined || next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
        if (dropping) dropping = false;
        else yield { kind: 'line', bytes: line(chunk.subarray(start, end)) };
        start = end + 1;
        if (signal.aborted) return;
      }
      if (start === chunk.length || dropping) continue;
      held.push(chunk.subarray(start));
      heldLength += chunk.length - start;
      // One more byte than the limit may be the `\r` of a `\r\n`.
      if (maxLength !== undefined && heldLength > maxLength + 1) {
        const size = heldLength;
        take(Buffer.alloc(0));
        dropping = true;
        yield { kind: 'too-long', size, limit: maxLength };
      } else if (maxLength === undefined && heldLength >= PIECE) {
        const bytes = take(Buffer.alloc(0));
        const cut = wholeCharacters(bytes);
        if (cut < bytes.length) {
          held = [bytes.subarray(cut)];
          heldLength = bytes.length - cut;
        }
        if (cut > 0) yield { kind: 'part', bytes: bytes.subarray(0, cut) };
      }
      if (signal.aborted) return;
    }
    if (!signal.aborted && !dropping && heldLength > 0) yield { kind: 'line', bytes: line(Buffer.alloc(0)) };
  } finally {
    // Not awaited: a read still waiting for stdin settles only when stdin has more to give.
    void chunks.return?.()?.catch(() => {});
  }
}

/** How many of `bytes` end on a UTF-8 character boundary, keeping back a last `\r` (it may start a `\r\n`). */
function wholeCharacters(bytes: Uint8Array): number {
  let end = bytes.length;
  if (bytes[end - 1] === CR) end--;
  let lead = end - 1;
  while (lead > end - 4 && lead >= 0 && ((bytes[lead] as number) & 0xc0) === 0x80) lead--;
  const first = bytes[lead];
  if (first === undefined || first < 0xc0) return end; // ASCII or a stray continuation byte: nothing to wait for
  const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : 2;
  return end - lead < length ? lead : end;
}

/** The iterator's next result, or `undefined` as soon as `signal` aborts. */
function nextUnlessAborted<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T> | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
