/**
 * A framed echo served on a listener, and long-lived client sessions checked
 * with round trips, shared by the fault tests of net and ws: a fault on one
 * connection must harm nothing else. Each package's `test/support/echo.ts`
 * opens its own listener and connection and hands them to these.
 */
import type { Codec } from '@sluice/codec';
import type { Connection, Framed } from '@sluice/connection';
import { ErrorLog, within } from './waits.js';

/** What an echo needs of a listener: net's `Listener` and ws's `WebSocketListener` both have it. */
export interface Serves<C extends Connection> {
  serve(handler: (conn: C) => Promise<void>, options: { onError(error: unknown, conn: C): void }): Promise<unknown>;
  close(): Promise<void>;
}

/** A running echo: what its handlers failed with, and how to stop it. */
export interface Echo<C extends Connection> {
  /** Errors the handlers failed with, as `serve()` reported them. */
  readonly errors: ErrorLog;
  /** The connections whose handlers failed, in the same order. */
  readonly failed: C[];
  /** Closes the listener and waits for every handler. */
  stop(): Promise<void>;
}

/** Serves `listener`, echoing every frame of `codec` back; a handler's error goes to `errors`. */
export function serveEcho<T, C extends Connection>(listener: Serves<C>, codec: Codec<T>): Echo<C> {
  const errors = new ErrorLog();
  const failed: C[] = [];
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
    errors,
    failed,
    async stop() {
      await listener.close();
      await served;
    },
  };
}

/** A client connection kept open across other clients' faults, checked with round trips. */
export interface Session<T> {
  readonly io: Framed<T>;
  /** Writes `frame` and resolves with the next frame the server sends (bounded). */
  roundTrip(frame: T): Promise<T>;
  /** Half-closes, expects the server to end without another frame (bounded), and closes. */
  finish(): Promise<void>;
}

/** A {@link Session} over `conn`, framed with `codec`. */
export function sessionOf<T>(conn: Connection, codec: Codec<T>): Session<T> {
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
