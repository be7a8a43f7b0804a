/**
 * `sluice` in browsers (and Deno, Bun with the `browser` condition): what
 * needs no Node, which bundlers pick through the package's `browser` export
 * condition: `@sluice/core`, `@sluice/codec`, `@sluice/connection`, and the
 * browser build of `@sluice/ws` as the namespace `ws` (`ws.connect(url)`,
 * `ws.messages()`). Not here: `@sluice/net` (`connect`, `listen`, `bind`:
 * Node's TCP, TLS and UDP sockets) and the CLI; importing one of those names
 * fails at bundle time. The RxJS side is at `sluice/rx`.
 *
 * @example
 * ```ts
 * import { json, ws } from 'sluice';
 *
 * await using conn = await ws.connect(`ws://${location.host}/live`);
 * for await (const event of conn.framed(json({ framing: ws.messages() }))) render(event);
 * ```
 *
 * @module
 */

export * from '@sluice/codec';
export * from '@sluice/connection';
export * from '@sluice/core';
/** `@sluice/ws`'s browser build as a namespace: `ws.connect(url)`, `ws.messages()`, `ws.WebSocketCloseError`. */
export * as ws from '@sluice/ws';
