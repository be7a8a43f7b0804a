import readline from 'node:readline';
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

/**
 * Sends each line of stdin as one frame, then half-closes. A line that cannot
 * be a frame (bad JSON, over `--max-frame-length`) is reported and skipped; the
 * lines around it still go. Rejects with the connection's error.
 */
export async function sendStdin(options: SendStdinOptions): Promise<Sent> {
  const { framed, codec, warn, signal } = options;
  const input = readline.createInterface({ input: options.input, crlfDelay: Number.POSITIVE_INFINITY, signal });
  let lineNumber = 0;
  let skipped = 0;
  try {
    for await (const line of input) {
      lineNumber++;
      // A blank line is no JSON value: NDJSON readers skip them too.
      if (codec === 'json' && line.trim() === '') continue;
      try {
        await framed.write(frameFromLine(line, codec));
      } catch (error) {
        if (!isUnsendable(error)) throw error;
        warn(`stdin line ${lineNumber} skipped: ${describe(error)}`);
        skipped++;
      }
      if (signal.aborted) break;
    }
  } finally {
    input.close();
  }
  if (signal.aborted) return { skipped, complete: false };
  await framed.closeWrite();
  return { skipped, complete: true };
}
