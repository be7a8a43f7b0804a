import type WebSocket from 'ws';

/** A message received but not read when the connection was unwrapped, and whether it came as binary. */
export interface UnreadMessage {
  bytes: Uint8Array;
  binary: boolean;
}

/**
 * Hands a WebSocket back to whoever unwrapped its connection, as Node hands
 * back a socket: neither flowing nor paused. The messages received but not
 * read, and any that still arrive, are kept (the socket paused, so they stay
 * few) until a `'message'` listener is added; then they are delivered to it,
 * in order and before anything newer, and the socket resumes. So a listener
 * added after any number of awaits, without calling `resume()`, gets every
 * message.
 */
export function handBack(ws: WebSocket, unread: readonly UnreadMessage[]): WebSocket {
  const held: [WebSocket.RawData, boolean][] = unread.map(({ bytes, binary }) => [asBuffer(bytes), binary]);
  let scheduled = false;
  let holding = false;
  const deliver = (): void => {
    if (!scheduled) return;
    scheduled = false;
    holding = false;
    ws.off('message', hold);
    ws.resume(); // the socket reads again at the next tick at the earliest: these messages go first
    while (held.length > 0 && ws.listenerCount('message') > 0) {
      const [data, binary] = held.shift() as [WebSocket.RawData, boolean];
      ws.emit('message', data, binary);
    }
    if (ws.listenerCount('message') === 0) keep(); // every listener went (a `once`): hold on again
  };
  // Until a listener of the new owner is added, and in the turn it is added in: a message that arrives
  // then goes after the held ones, which are delivered first (this listener runs before the owner's).
  const hold = (data: WebSocket.RawData, binary: boolean): void => {
    if (scheduled) deliver();
    if (holding) held.push([data, binary]);
  };
  const onNewListener = (event: string | symbol, listener: unknown): void => {
    if (event !== 'message' || listener === hold) return;
    ws.off('newListener', onNewListener);
    scheduled = true;
    queueMicrotask(deliver); // 'newListener' comes before the listener is added
  };
  const keep = (): void => {
    holding = true;
    ws.pause();
    ws.on('message', hold);
    ws.on('newListener', onNewListener);
  };
  keep();
  return ws;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
