import type { Codec } from '@sluice/codec';
import { checkOption, checkOptionKeys, InvalidArgumentError, type OverflowPolicy } from '@sluice/core';
import { checkReconnectPolicy, RECONNECT_POLICY_KEYS } from './check-reconnect-policy.js';
import type { Connection } from './connection.js';
import type { Framed } from './framed.js';
import { Backoff } from './internal/backoff.js';
import { FrameOutbox } from './internal/frame-outbox.js';
import { SessionLoop } from './internal/session-loop.js';
import type { ReconnectOptions } from './reconnect-options.js';
import { ReconnectingClient, ReconnectingFramedClient } from './reconnecting-client.js';

const KEYS = [...RECONNECT_POLICY_KEYS, 'signal', 'codec', 'outbox'];
const OUTBOX_KEYS = ['capacity', 'overflow'];
const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ['wait', 'drop-oldest', 'drop-newest', 'error'];

/**
 * A client that reconnects, over any transport: `connect` opens one
 * connection (give it the `signal`, which aborts an attempt when the client
 * ends), and `for await (const session of client)` gives one session per
 * connection, reconnecting with exponential backoff and full jitter in
 * between (see {@link ReconnectOptions} and {@link ReconnectingClient}).
 *
 * A peer that vanishes without closing (a cable pulled, a NAT that forgot
 * the flow) leaves a half-open connection that nothing ends; have `connect`
 * pass an `idleTimeout` (or a WebSocket `heartbeat`) so such a session ends
 * and the next begins.
 *
 * With a `codec`, sessions are `Framed` and the client has `write(frame)`,
 * which works while disconnected too (see {@link ReconnectingFramedClient}
 * for what is delivered).
 *
 * `connect` failures are retried; an `ERR_INVALID_ARG` or `ERR_OUT_OF_RANGE`
 * (a mistake in its options) is thrown at once. Throws `ERR_INVALID_ARG` or
 * `ERR_OUT_OF_RANGE` for bad options.
 *
 * @example TCP, with an idle timeout to notice a dead peer
 * ```ts
 * const client = reconnecting((signal) => connect({ host: '127.0.0.1', port: 7000, signal, idleTimeout: 30_000 }), {
 *   onRetry: ({ error, delay }) => console.warn(`reconnecting in ${delay} ms:`, String(error ?? 'closed')),
 * });
 * for await (const conn of client) {
 *   try {
 *     for await (const chunk of conn) process.stdout.write(chunk);
 *   } catch (err) {
 *     console.warn('session lost:', (err as Error).message);
 *   }
 * }
 * ```
 * @example A WebSocket, framed, writing while disconnected
 * ```ts
 * const client = reconnecting((signal) => ws.connect('wss://example.com/feed', { signal }), { codec: ws.messages() });
 * void client.write('subscribe');
 * for await (const io of client) for await (const message of io) console.log(message);
 * ```
 */
export function reconnecting(
  connect: (signal: AbortSignal) => Promise<Connection>,
  options?: ReconnectOptions & { codec?: undefined },
): ReconnectingClient<Connection>;
export function reconnecting<TDecoded, TEncoded = TDecoded>(
  connect: (signal: AbortSignal) => Promise<Connection>,
  options: ReconnectOptions<TDecoded, TEncoded> & { codec: Codec<TDecoded, TEncoded> },
): ReconnectingFramedClient<TDecoded, TEncoded>;
export function reconnecting(
  connect: (signal: AbortSignal) => Promise<Connection>,
  options: ReconnectOptions = {},
): ReconnectingClient<Connection> | ReconnectingFramedClient<unknown> {
  checkOption('reconnecting(): connect', connect, 'function', { required: true });
  checkOption('reconnecting(): options', options, 'object');
  checkOptionKeys('reconnecting()', options, KEYS);
  checkReconnectPolicy('reconnecting(): ', options);
  const { initialDelay = 100, maxDelay = 30_000, factor = 2, attempts = Number.POSITIVE_INFINITY } = options;
  checkOption('reconnecting(): signal', options.signal, 'signal');
  checkOption('reconnecting(): codec', options.codec, 'codec');
  const settings = {
    connect,
    backoff: new Backoff(initialDelay, maxDelay, factor),
    attempts,
    resetAfter: options.resetAfter ?? 5000,
    onRetry: options.onRetry,
    signal: options.signal,
  };
  const codec = options.codec;
  if (codec === undefined) {
    if (options.outbox !== undefined) {
      throw new InvalidArgumentError('reconnecting(): outbox needs a codec (it holds frames), got no codec');
    }
    return new ReconnectingClient(
      new SessionLoop<Connection>(settings, { open: (conn) => Promise.resolve(conn), left: () => {}, ended: () => {} }),
    );
  }
  const outbox = makeOutbox(codec, options.outbox);
  const sessions = new WeakMap<Connection, Framed<unknown>>();
  const loop = new SessionLoop<Framed<unknown>>(settings, {
    open: async (conn) => {
      const io = conn.framed(codec);
      sessions.set(conn, io);
      void conn.closed.then(() => outbox.leave(io));
      return (await outbox.flush(io)) ? io : undefined;
    },
    left: (conn) => outbox.leave(sessions.get(conn)),
    ended: () => outbox.close(),
  });
  return new ReconnectingFramedClient(loop, outbox);
}

function makeOutbox(codec: Codec<unknown, unknown>, options: ReconnectOptions['outbox']): FrameOutbox<unknown> {
  checkOption('reconnecting(): outbox', options, 'object');
  checkOptionKeys('reconnecting(): outbox', options, OUTBOX_KEYS);
  const { capacity = 1024 * 1024, overflow = 'wait' } = options ?? {};
  checkOption('reconnecting(): outbox.capacity', capacity, { integer: [1] });
  checkOption('reconnecting(): outbox.overflow', overflow, { oneOf: OVERFLOW_POLICIES });
  return new FrameOutbox(codec, capacity, overflow);
}
