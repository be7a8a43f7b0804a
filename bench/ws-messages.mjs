/**
 * The payload of the WebSocket benches (bench/websocket.ts's sender,
 * bench/profile-memory-ws.ts): plain JavaScript, so the forked sender loads
 * it without a compiler.
 */

/** A few hundred distinct small JSON values, serialized once. */
export const MESSAGES = Array.from({ length: 512 }, (_, i) =>
  Buffer.from(
    JSON.stringify({
      type: 'tick',
      id: i,
      symbol: `S${i % 37}`,
      price: 100 + (i % 97) / 4,
      tags: ['a', 'b'],
      ok: true,
    }),
  ),
);
