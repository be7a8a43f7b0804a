import type { Codec } from '@sluice/codec';
import type { Connection } from '@sluice/connection';
import type { Observer } from 'rxjs';
import type { PushOverflowPolicy } from './push-overflow-policy.js';
import type { SocketCloseEvent } from './socket-close-event.js';

/**
 * Options every socket subject takes: its codec, its outgoing buffer, and
 * observers of its connections opening and closing.
 *
 * @example
 * ```ts
 * const config: SocketSubjectConfig<string> = { codec: lines(), capacity: 1024, overflow: 'drop-oldest' };
 * const sock = socket$({ host: '127.0.0.1', port: 7000, ...config });
 * ```
 */
export interface SocketSubjectConfig<TIn, TOut = TIn> {
  /** The wire format of both directions: a built-in codec or your own. */
  codec: Codec<TIn, TOut>;
  /**
   * How many outgoing frames may wait: before the connection is up, and while
   * the socket is full. Never unbounded. It is the subject's bound on what
   * it writes, so its connections are made with `writeCapacity: Infinity`
   * unless the options give one: written out on `complete()`, a full queue
   * must not overflow the connection.
   * @default 256
   */
  capacity?: number | undefined;
  /**
   * What a frame does when `capacity` frames already wait; see
   * {@link PushOverflowPolicy}. With `'error'` the connection is destroyed
   * and subscribers get an `OverflowError` (`ERR_OVERFLOW`).
   * @default 'error'
   */
  overflow?: PushOverflowPolicy | undefined;
  /**
   * Told about each connection once it is up, before any frame is read. If
   * its `next` throws, the connection is destroyed and the subscribers get
   * what it threw (as an error notification); the process carries on.
   * @default undefined
   */
  openObserver?: Partial<Observer<Connection>> | undefined;
  /**
   * Told about each connection once it has fully closed. If its `next`
   * throws, nobody is left to tell: what it threw goes to RxJS's
   * `config.onUnhandledError` when set, otherwise to `console.error`; it is
   * never thrown.
   * @default undefined
   */
  closeObserver?: Partial<Observer<SocketCloseEvent>> | undefined;
}
