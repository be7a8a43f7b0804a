import type { ConnectionSide, SocketAddress } from '@sluice/connection';
import { checkCloseReason } from './close-reason.js';

/**
 * What both WebSocket transports (on `ws`, and the platform's) keep alike:
 * what they say of themselves in diagnostics, and the bytes of the messages
 * they received and sent, counted by each as messages come and go (the
 * connection reads the counts through `Transport`, as `readonly`), and the
 * rules of a close code and reason (`closeReason`). A
 * WebSocket cannot tell where this end is: `localAddress` is `undefined`.
 *
 * @internal
 */
export abstract class MessageTransport {
  readonly remoteAddress: SocketAddress | undefined;
  readonly localAddress: SocketAddress | undefined = undefined;
  readonly protocol: 'ws' | 'wss';
  readonly side: ConnectionSide;
  bytesIn = 0;
  bytesOut = 0;

  constructor(remoteAddress: SocketAddress | undefined, protocol: 'ws' | 'wss', side: ConnectionSide) {
    this.remoteAddress = remoteAddress;
    this.protocol = protocol;
    this.side = side;
  }

  /** `close(code, reason)`'s values, checked against a WebSocket's rules (see `Transport.closeReason`). */
  closeReason(
    code: number | undefined,
    reason: string | undefined,
  ): { readonly code: number; readonly reason: string } {
    return checkCloseReason(code, reason);
  }
}
