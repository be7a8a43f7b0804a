import type { Readable } from 'node:stream';
import { isSluiceError } from '@sluice/core';
import type { Framed } from '@sluice/net';
import { describe, isUnsendable } from './describe-error.js';
import { frameFromLine } from './frame-format.js';

/** Where stdin's lines go, and what to do with a line that cannot be a frame. */
export interface SendStdinOptions {
  input: NodeJS.ReadableStream;
  framed: Framed<unknown, unknown>;
  /** The codec's name: how a line becomes a frame. */
  codec: string;
  /** Told about each line skipped, in one line. */
  warn: (line: string) => void;
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
 * go. Rejects with the connection's error.
 */
export async function sendStdin(options: SendStdinOptions): Promise<Sent> {
  const { framed, codec, warn, signal } = options;
  let lineNumber = 0;
  let skipped = 0;
  try {
    for await (const line of linesOf(options.input, signal)) {
      lineNumber++;
      try {
        const frame = frameFromLine(line, codec);
        if (frame !== undefined) await framed.write(frame, { signal });
      } catch (error) {
        if (signal.aborted && isSluiceError(error, 'ABORT_ERR')) break;
        if (!isUnsendable(error)) throw error;
        warn(`stdin line ${lineNumber} skipped: ${describe(error)}`);
        skipped++;
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

/**
 * The lines of `input` as bytes, without their `\n` or `\r\n`; a last line
 * without a newline counts too. Pulls one chunk at a time, so stdin is read
 * no faster than lines are sent. Stops (leaving `input` open) once `signal`
 * aborts.
 */
async function* linesOf(input: NodeJS.ReadableStream, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const readable = input as Partial<Readable> & NodeJS.ReadableStream;
  const chunks: AsyncIterator<string | Buffer> =
    readable.iterator?.({ destroyOnReturn: false }) ?? input[Symbol.asyncIterator]();
  let held: Buffer[] = []; // the start of a line that has no newline yet
  const line = (end: Buffer) => {
    const bytes = held.length === 0 ? end : Buffer.concat([...held, end]);
    held = [];
    return bytes.at(-1) === CR ? bytes.subarray(0, -1) : bytes;
  };
  try {
    for (;;) {
      const next = await nextUnlessAborted(chunks, signal);
      if (next === undefined || next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
        yield line(chunk.subarray(start, end));
        start = end + 1;
        if (signal.aborted) return;
      }
      if (start < chunk.length) held.push(chunk.subarray(start));
    }
    if (!signal.aborted && held.length > 0) yield line(Buffer.alloc(0));
  } finally {
    // Not awaited: a read still waiting for stdin settles only when stdin has more to give.
    void chunks.return?.()?.catch(() => {});
  }
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
