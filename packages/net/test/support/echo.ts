/**
 * A framed echo server built with `listen()` + `serve()`, and long-lived
 * client sessions, so that fault tests can check that a fault on one
 * connection harms nothing else (the echo and the sessions themselves are
 * shared with ws: `test-support/echo.ts`).
 */
import type { Codec } from '@sluice/codec';
import { type Connection, connect, type Listener, type ListenOptions, listen } from '@sluice/net';
import { type Echo, type Session, serveEcho, sessionOf } from '../../../../test-support/echo.js';

export interface EchoServer extends Echo<Connection> {
  readonly listener: Listener;
}

/** Echoes every frame of `codec` back; a handler's error goes to `errors`. */
export async function echoServer<T>(codec: Codec<T>, options: Partial<ListenOptions> = {}): Promise<EchoServer> {
  const listener = await listen({ host: '127.0.0.1', port: 0, ...options });
  return { listener, ...serveEcho(listener, codec) };
}

/** A client session to `listener`, framed with `codec`. */
export async function session<T>(listener: Listener, codec: Codec<T>): Promise<Session<T>> {
  return sessionOf(await connect({ ...listener.address }), codec);
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
  return [...decoder.decode(data), ...decoder.end()];
}
