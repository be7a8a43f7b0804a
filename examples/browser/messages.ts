/**
 * What the page (app.ts) and the server (server.ts) say to each other over the
 * WebSocket: one JSON value per message. A module, not a program.
 */

/** From the page: start the figures, a ping to time, or "close this connection" (to see retry() reconnect). */
export type ClientMessage = { type: 'hello' } | { type: 'ping'; id: number } | { type: 'drop' };

/** From the server: its figures (`elu` in percent, `heapMB` in megabytes), or a ping's answer. */
export type ServerMessage =
  | { type: 'stats'; elu: number; heapMB: number; clients: number; at: number }
  | { type: 'pong'; id: number };
