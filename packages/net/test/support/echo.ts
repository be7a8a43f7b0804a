/**
 * A framed echo server built with `listen()` + `serve()`, and long-lived
 * client sessions, so that fault tests can check that a fault on one
 * connection harms nothing else.
 */
import type { Codec } from '@sluice/codec';
import { type Connection, connect, type Framed, type Listener, type ListenOptions, listen } from '@sluice/net';
import { ErrorLog } from './peers.js';

export interface EchoServer {
  readonly listener: Listener;
  /** Errors the handlers failed with, as `serve()` reported them. */
  readonly errors: ErrorLog;
  /** The connections whose handlers failed, in the same order. */
  readonly failed: Connection[];
  /** Closes the listener and waits for every handler. */
  stop(): Promise<void>;
}

/** Echoes every frame of `codec` back; a handler's error goes to `errors`. */
export async function echoServer<T>(codec: Codec<T>, options: Partial<ListenOptions> = {}): Promise<EchoServer> {
  const errors = new ErrorLog();
  const failed: Connection[] = [];
  const listener = await listen({ host: '127.0.0.1', port: 0, ...options });
  const served = listener.serve(
    async (conn) => {
      const io = conn.framed(codec);
      for await (const frame of io) await io.write(frame);
    },
    {
      onError: (error, conn) => {
        failed.push(conn);
        errors.push(error);
      },
    },
  );
  return {
    listener,
    errors,
    failed,
    async stop() {
      await listener.close();
      await served;
    },
  };
}

/** A client connection kept open across other tests' faults, checked with round trips. */
export interface Session<T> {
  readonly io: Framed<T>;
  /** Writes `frame` and resolves with the next frame the server sends. */
  roundTrip(frame: T): Promise<T>;
  /** Half-closes, expects the server to end too, and closes. */
  finish(): Promise<void>;
}

export async function session<T>(listener: Listener, codec: Codec<T>): Promise<Session<T>> {
  const conn = await connect({ ...listener.address });
  const io = conn.framed(codec, { keepOpen: true });
  const frames = io[Symbol.asyncIterator]();
  return {
    io,
    async roundTrip(frame) {
      await io.write(frame);
      const next = await frames.next();
      if (next.done) throw new Error('the server ended the session');
      return next.value;
    },
    async finish() {
      await io.closeWrite();
      const next = await frames.next();
      if (!next.done) throw new Error('the server sent a frame nobody asked for');
      await io.close();
    },
  };
}

const utf8 = new TextEncoder();

/** UTF-8 bytes of `text`. */
export const bytes = (text: string): Uint8Array => utf8.encode(text);

/** Concatenates byte arrays. */
export function join(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/** Encodes `frames` with a fresh encoder of `codec` into one buffer. */
export function wire<T>(codec: Codec<unknown, T>, frames: readonly T[]): Uint8Array {
  const encoder = codec.encoder();
  return join(frames.map((frame) => encoder.encode(frame)));
}

/** Decodes `data` with a fresh decoder of `codec`, end included. */
export function unwire<T>(codec: Codec<T, unknown>, data: Uint8Array): T[] {
  const decoder = codec.decoder();
  const frames: T[] = [];
  decoder.decode(data, frames);
  decoder.end(frames);
  return frames;
}
