/**
 * What a plain `node:net` socket on the far side of a Sluice connection saw,
 * shared by the tests of net and ws: how it ended, and every byte it
 * received until then.
 */
import type net from 'node:net';

/** How a socket ended: its error code if it failed, `'end'` after a clean FIN, `'closed'` otherwise. */
export function outcomeOf(socket: net.Socket): Promise<string> {
  let error: (Error & { code?: string }) | undefined;
  let ended = false;
  socket.on('error', (e: Error & { code?: string }) => (error ??= e));
  socket.on('end', () => (ended = true));
  return new Promise((resolve) =>
    socket.once('close', () => resolve(error !== undefined ? (error.code ?? error.message) : ended ? 'end' : 'closed')),
  );
}

/** Everything a socket receives until it closes, and how it closed. */
export interface Received {
  bytes: Buffer;
  /** The socket's error code if it failed, `'end'` after a clean FIN, `'closed'` otherwise. */
  outcome: string;
}

/**
 * Collects what `socket` receives (after `head`, bytes a test read before)
 * until it closes. Resumes the socket: one left paused (a handshake read by
 * hand) would otherwise never deliver its bytes nor its end.
 */
export async function received(socket: net.Socket, head: Buffer = Buffer.alloc(0)): Promise<Received> {
  const chunks: Buffer[] = [head];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const outcome = outcomeOf(socket);
  socket.resume();
  const how = await outcome;
  return { bytes: Buffer.concat(chunks), outcome: how };
}
