/**
 * A framed echo server built with `@sluice/ws`'s `listen()` + `serve()`, long
 * lived Sluice client sessions, and plain `ws` clients, so that fault tests
 * can check that a fault on one connection harms nothing else (the echo and
 * the sessions themselves are shared with net: `test-support/echo.ts`).
 */
import { once } from 'node:events';
import type { Codec } from '@sluice/codec';
import type { Connection } from '@sluice/connection';
import { connect, listen, type WebSocketListener, type WebSocketListenOptions } from '@sluice/ws';
import WebSocket from 'ws';
import { type Echo, type Session, serveEcho, sessionOf } from '../../../../test-support/echo.js';
import { within } from '../../../../test-support/waits.js';

export const url = (port: number | undefined, path = ''): string => `ws://127.0.0.1:${port}${path}`;

export interface EchoServer extends Echo<Connection> {
  readonly listener: WebSocketListener;
  readonly url: string;
}

/** Echoes every frame of `codec` back; a handler's error goes to `errors`. */
export async function echoServer<T>(
  codec: Codec<T>,
  options: Partial<WebSocketListenOptions> = {},
): Promise<EchoServer> {
  const listener = await listen({ host: '127.0.0.1', port: 0, ...options });
  return { listener, url: url(listener.port), ...serveEcho(listener, codec) };
}

/** A Sluice client session to `target` (a ws:// URL), framed with `codec`. */
export async function session<T>(target: string, codec: Codec<T>): Promise<Session<T>> {
  return sessionOf(await connect(target), codec);
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
