/**
 * Two connections joined by the in-memory transport, and the few moves the
 * tests of `Framed` make with them: send bytes in chosen chunks, let the
 * event loop turn until bytes have arrived, collect what a reader gives.
 * Each `write()` on one end arrives as one chunk at the other.
 */
import type { Connection, ConnectionOptions } from '@sluice/connection';
import { fromTransport } from '@sluice/connection/transport';
import { memoryPair } from './memory-transport.js';

/** `conn`, the connection under test, and `peer`, the other end that sends to it. */
export interface Pair {
  conn: Connection;
  peer: Connection;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A connection under test (with `options`) and its peer; `await using` destroys both. */
export function connectedPair(options?: ConnectionOptions): Pair {
  const [a, b] = memoryPair(1 << 20);
  const conn = fromTransport(b, options);
  const peer = fromTransport(a);
  return {
    conn,
    peer,
    async [Symbol.asyncDispose]() {
      conn.destroy();
      peer.destroy();
      await Promise.all([conn.closed, peer.closed]);
    },
  };
}

/** One turn of the event loop (the memory transport moves bytes on `setImmediate`). */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Turns the event loop until `conn` has received `bytes` bytes in all (read or queued). */
export async function received(conn: Connection, bytes: number): Promise<void> {
  while (conn.counters.bytesIn < bytes) await turn();
}

/**
 * Writes `chunks` from `peer`, one write per non-empty chunk (one chunk each
 * at the other end), letting the event loop turn after chunk `i` when
 * `pauses[i]`; then half-closes unless `end` is false.
 */
export async function send(
  peer: Connection,
  chunks: readonly Uint8Array[],
  pauses: readonly boolean[] = [],
  end = true,
): Promise<void> {
  for (const [i, chunk] of chunks.entries()) {
    if (chunk.length > 0) await peer.write(chunk);
    if (pauses[i] === true) await turn();
  }
  if (end) await peer.closeWrite();
}

/** Every byte `reader` gives until its end, joined. */
export async function readBytes(reader: AsyncIterable<Uint8Array>): Promise<number[]> {
  const bytes: number[] = [];
  for await (const chunk of reader) bytes.push(...chunk);
  return bytes;
}

/** Every frame `reader` gives until its end. */
export async function readFrames<T>(reader: AsyncIterable<T>): Promise<T[]> {
  const frames: T[] = [];
  for await (const frame of reader) frames.push(frame);
  return frames;
}

/** The `code` of an error (`ECONNREFUSED`, `ERR_REQUEST_TIMEOUT`), or `undefined` for anything without one. */
export const codeOf = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;

/** What `promise` rejects with (it must reject). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`Expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error,
  );
}
