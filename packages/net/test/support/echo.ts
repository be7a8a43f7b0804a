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
