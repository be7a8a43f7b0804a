/**
 * A framed echo server built with `@sluice/ws`'s `listen()` + `serve()`, long
 * lived Sluice client sessions, and plain `ws` clients, so that fault tests
 * can check that a fault on one connection harms nothing else.
 */
import { once } from 'node:events';
import type { Codec } from '@sluice/codec';
import type { Connection, Framed } from '@sluice/connection';
import { connect, listen, type WebSocketListener, type WebSocketListenOptions } from '@sluice/ws';
import WebSocket from 'ws';
import { ErrorLog, within } from './peers.js';

export const url = (port: number | undefined, path = ''): string => `ws://127.0.0.1:${port}${path}`;

export interface EchoServer {
  readonly listener: WebSocketListener;
  readonly url: string;
  /** Errors the handlers failed with, as `serve()` reported them. */
  readonly errors: ErrorLog;
  /** The connections whose handlers failed, in the same order. */
  readonly failed: Connection[];
  /** Closes the listener and waits for every handler. */
  stop(): Promise<void>;
}

/** Echoes every frame of `codec` back; a handler's error goes to `errors`. */
export async function echoServer<T>(
  codec: Codec<T>,
  options: Partial<WebSocketListenOptions> = {},
): Promise<EchoServer> {
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
    url: url(listener.port),
    errors,
    failed,
    async stop() {
      await listener.close();
      await served;
    },
  };
}

/** A Sluice client connection kept open across another client's fault, checked with round trips. */
export interface Session<T> {
  readonly io: Framed<T>;
  /** Writes `frame` and resolves with the next frame the server sends. */
  roundTrip(frame: T): Promise<T>;
  /** Closes its side, expects the server to end without another frame, and closes. */
  finish(): Promise<void>;
}

export async function session<T>(target: string, codec: Codec<T>): Promise<Session<T>> {
  const conn = await connect(target);
  const io = conn.framed(codec, { keepOpen: true });
  const frames = io[Symbol.asyncIterator]();
  return {
    io,
    async roundTrip(frame) {
      await io.write(frame);
      const next = await within(frames.next(), 5000, 'the round trip');
      if (next.done) throw new Error('the server ended the session');
      return next.value;
    },
    async finish() {
      await io.closeWrite();
      const next = await within(frames.next(), 5000, 'the end of the session');
      if (!next.done) throw new Error('the server sent a frame nobody asked for');
      await io.close();
    },
  };
}

/** A plain `ws` client (not Sluice's), with its messages queued and how it closed. */
export interface PlainClient {
  readonly ws: WebSocket;
  /** The next message received (fails after a bound). */
  next(): Promise<{ data: Buffer; isBinary: boolean }>;
  /** Every message received so far. */
  readonly messages: { data: Buffer; isBinary: boolean }[];
  /** The close code and reason, once closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

export async function plainClient(target: string, options: WebSocket.ClientOptions = {}): Promise<PlainClient> {
  const ws = new WebSocket(target, options);
  ws.on('error', () => {}); // what the Sluice side sees is under test; the close code says the rest
  const messages: { data: Buffer; isBinary: boolean }[] = [];
  let read = 0;
  let wake: (() => void) | undefined;
  ws.on('message', (data, isBinary) => {
    messages.push({ data: data as Buffer, isBinary });
    wake?.();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await once(ws, 'open');
  return {
    ws,
    messages,
    closed,
    async next() {
      if (read === messages.length) {
        await within(new Promise<void>((resolve) => (wake = resolve)), 5000, 'a message to the plain client');
      }
      return messages[read++]!;
    },
  };
}
