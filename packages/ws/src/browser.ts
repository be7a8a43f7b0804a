/**
 * `@sluice/ws` in browsers (and Deno, Bun): `connect(url)` over the
 * platform's `WebSocket`, with the same `Connection`, `framed(codec)` and
 * `messages()` as in Node. Browsers cannot listen, so there is no `listen`
 * here. Bundlers pick this build through the package's `browser` condition;
 * it imports neither `ws` nor anything from Node.
 *
 * @example
 * ```ts
 * import { json } from '@sluice/codec';
 * import { connect, messages } from '@sluice/ws';
 *
 * await using conn = await connect(`ws://${location.host}/live`);
 * for await (const event of conn.framed(json({ framing: messages() }))) render(event);
 * ```
 *
 * @module
 */
export { type BrowserConnectOptions, connect } from './connect-browser.js';
export { WebSocketCloseError } from './errors.js';
export { messages } from './messages.js';
