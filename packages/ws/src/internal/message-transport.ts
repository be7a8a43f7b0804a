import type { ConnectionSide, SocketAddress } from '@sluice/connection';

/**
 * What both WebSocket transports (on `ws`, and the platform's) keep alike:
 * what they say of themselves in diagnostics, and the bytes of the messages
 * they received and sent, counted by each as messages come and go (the
 * connection reads the counts through `Transport`, as `readonly`). A
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
}
