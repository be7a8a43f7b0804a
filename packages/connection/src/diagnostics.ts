import type { SocketAddress } from './address.js';
import type { Connection } from './connection.js';
import type { ConnectionCounters } from './connection-counters.js';

/**
 * The `node:diagnostics_channel` channels Sluice publishes on, in the style of
 * Node's own `net` and undici: subscribe to watch connections without
 * touching the code that makes them. Publishing costs nothing while no one
 * subscribes. Where `node:diagnostics_channel` does not exist (browsers)
 * nothing is published. The messages are {@link DiagnosticsMessages}.
 *
 * @example Count connections by transport, log why each one ended
 * ```ts
 * import diagnostics from 'node:diagnostics_channel';
 * import { channels } from '@sluice/net';
 *
 * diagnostics.subscribe(channels.open, ({ protocol }) => opened[protocol]++);
 * diagnostics.subscribe(channels.close, ({ connection, error }) =>
 *   error && console.warn(connection.remoteAddress, error.code));
 * ```
 */
export const channels = {
  /** A connection opened: accepted by a listener or connected. {@link ConnectionOpenMessage} */
  open: 'sluice:connection:open',
  /** A connection closed, gracefully or not. {@link ConnectionCloseMessage} */
  close: 'sluice:connection:close',
  /** A listener turned a peer away before it became a connection. {@link ConnectionRefusedMessage} */
  refused: 'sluice:connection:refused',
  /** A connection was cut for being too slow or silent. {@link ConnectionShedMessage} */
  shed: 'sluice:connection:shed',
  /** A framed reader met bytes its codec refused; the connection is destroyed. {@link FrameErrorMessage} */
  frameError: 'sluice:frame:error',
} as const;

/** Which end opened a connection: `'server'` for accepted ones, `'client'` for connected ones. */
export type ConnectionSide = 'client' | 'server';

/** Published on `sluice:connection:open`. */
export interface ConnectionOpenMessage {
  /** The connection that opened. */
  readonly connection: Connection;
  /** The transport's name: `'tcp'`, `'tls'`, `'ipc'`, `'ws'`, `'wss'`, or a custom transport's `protocol`. */
  readonly protocol: string;
  /** Which end opened it, where the transport knows. */
  readonly side: ConnectionSide | undefined;
}

/** Published on `sluice:connection:close`, once per connection. */
export interface ConnectionCloseMessage extends ConnectionOpenMessage {
  /** Why it ended, or `undefined` for a graceful close. Errors carry a `code`. */
  readonly error: Error | undefined;
  /** Its bytes and frames in and out, final. */
  readonly counters: ConnectionCounters;
}

/** Why a listener turned a peer away. */
export type RefusalReason =
  /** `maxConnections` were open. */
  | 'maxConnections'
  /** `acceptCapacity` connections were waiting to be accepted. */
  | 'acceptCapacity'
  /** The listener was closing. */
  | 'closing'
  /** The TLS handshake failed or timed out (`handshakeTimeout`). */
  | 'handshake'
  /** WebSocket: the upgrade asked for another path (404). */
  | 'path'
  /** WebSocket: the browser's `Origin` was refused (403). */
  | 'origin';

/** Published on `sluice:connection:refused`. */
export interface ConnectionRefusedMessage {
  /** The listener's transport, as in {@link ConnectionOpenMessage.protocol}. */
  readonly protocol: string;
  /** Why the peer was turned away. */
  readonly reason: RefusalReason;
  /** The peer, where known. */
  readonly remoteAddress: SocketAddress | undefined;
  /** For `'handshake'`: the `HandshakeError`; for `'origin'`: what a WebSocket listener's `origin` function threw. */
  readonly error?: Error | undefined;
}

/** Published on `sluice:connection:shed`, just before the connection is destroyed with `error`. */
export interface ConnectionShedMessage {
  /** The connection being cut. */
  readonly connection: Connection;
  /** `ERR_IDLE_TIMEOUT`, `ERR_FRAME_TIMEOUT`, or (WebSocket heartbeat) `ERR_WS_ABNORMAL_CLOSE`. */
  readonly error: Error & {
    /** The error's code, as above. */
    readonly code: string;
  };
}

/** Published on `sluice:frame:error`, just before the connection is destroyed with `error`. */
export interface FrameErrorMessage {
  /** The connection whose bytes were refused. */
  readonly connection: Connection;
  /** `ERR_FRAME_TOO_LONG`, `ERR_TRUNCATED_FRAME`, `ERR_DECODE`, or what a custom decoder threw. */
  readonly error: Error;
}

/** The message type of each channel in {@link channels}. */
export interface DiagnosticsMessages {
  /** {@link channels}.open */
  'sluice:connection:open': ConnectionOpenMessage;
  /** {@link channels}.close */
  'sluice:connection:close': ConnectionCloseMessage;
  /** {@link channels}.refused */
  'sluice:connection:refused': ConnectionRefusedMessage;
  /** {@link channels}.shed */
  'sluice:connection:shed': ConnectionShedMessage;
  /** {@link channels}.frameError */
  'sluice:frame:error': FrameErrorMessage;
}

/** The part of `node:diagnostics_channel` used here. */
interface DiagnosticsChannel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

/** `node:diagnostics_channel`, reached without a static `node:` import so that browsers load this module too. */
const diagnosticsChannel = (
  globalThis as {
    process?: { getBuiltinModule?(id: string): { channel(name: string): DiagnosticsChannel } | undefined };
  }
).process?.getBuiltinModule?.('node:diagnostics_channel');

const published = new Map<string, DiagnosticsChannel | undefined>(
  Object.values(channels).map((name) => [name, diagnosticsChannel?.channel(name)]),
);

/**
 * Whether anyone listens on `name`: check before building a costly message.
 *
 * @example
 * ```ts
 * if (hasSubscribers(channels.refused)) publish(channels.refused, { protocol: 'tcp', reason: 'closing', remoteAddress });
 * ```
 */
export function hasSubscribers(name: keyof DiagnosticsMessages): boolean {
  return published.get(name)?.hasSubscribers === true;
}

/**
 * Publishes `message` on Sluice's diagnostics channel `name`, if anyone
 * subscribes. For transports and listeners built on this package; Sluice's own
 * publish their messages already.
 *
 * @example
 * ```ts
 * publish(channels.refused, { protocol: 'quic', reason: 'maxConnections', remoteAddress });
 * ```
 */
export function publish<N extends keyof DiagnosticsMessages>(name: N, message: DiagnosticsMessages[N]): void {
  const channel = published.get(name);
  if (channel?.hasSubscribers === true) channel.publish(message);
}
