/**
 * The sending peer of bench/websocket.ts, run in a child process (forked) so
 * that its `ws.send()` does not share a core with the receivers being
 * measured. Plain `ws`, pre-serialized JSON, text messages, as fast as the
 * receiver's TCP window allows (at most two batches waiting in user space).
 *
 * - As a client: the parent sends `{ url, count }` over IPC; this connects,
 *   sends `count` messages, closes (1000) and answers `{ sent: count }`.
 * - As a server: on start it listens on 127.0.0.1, port 0, and tells the
 *   parent `{ port }`; a client that sends `{"subscribe":N}` gets N messages,
 *   then a close (1000). (Waiting for the request, rather than sending on
 *   connection, is also what keeps `@sluice/ws`'s `connect()` from missing
 *   the first messages: see the report in bench/websocket.ts.)
 */
import WebSocket, { WebSocketServer } from 'ws';
import { MESSAGES } from './ws-messages.mjs';

const BATCH = 256;

/** Sends `count` messages, waiting for batch k-1 to reach the socket before sending batch k+1. */
async function sendAll(ws, count) {
  let previous = Promise.resolve();
  for (let i = 0; i < count; ) {
    const end = Math.min(count, i + BATCH);
    // One write for the batch, not one per message: `ws` corks per send, this nests around those.
    ws._socket.cork();
    for (; i < end - 1; i++) ws.send(MESSAGES[i % MESSAGES.length], { binary: false });
    const flushed = new Promise((resolve, reject) =>
      ws.send(MESSAGES[i++ % MESSAGES.length], { binary: false }, (error) => (error ? reject(error) : resolve())),
    );
    ws._socket.uncork();
    await previous;
    previous = flushed;
  }
  await previous;
  ws.close(1000);
}

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (ws) => {
  ws.on('error', () => {});
  ws.once('message', (data) => sendAll(ws, JSON.parse(data.toString()).subscribe).catch(() => ws.terminate()));
});
server.on('listening', () => process.send({ port: server.address().port }));

process.on('message', ({ url, count }) => {
  // A fixed all-zero mask: `ws` skips masking the payload (the receiver still unmasks, as always).
  const ws = new WebSocket(url, { perMessageDeflate: false, generateMask: (mask) => mask.fill(0) });
  ws.on('error', (error) => process.send({ error: String(error) }));
  ws.on('open', () => sendAll(ws, count).catch(() => ws.terminate()));
  ws.on('close', () => process.send({ sent: count }));
});
process.on('disconnect', () => process.exit(0));
