/**
 * The program browser.test.ts runs inside Chromium: a page module that
 * imports the packages by their bare names (the page's import map sends them
 * to the built `dist/index.js` files), exercises them, returns what it saw as
 * JSON for the test to assert in Node, and shows it in the page body.
 *
 * Nothing here may use Node: it runs as it would on a website, typed by tsc
 * with the DOM library and served with its types stripped. `@sluice/ws` and
 * `@sluice/rx` are their browser builds (`dist/browser.js`); the WebSocket
 * checks talk to a Sluice server in Node on the page's own origin (its
 * conversations are described in browser.test.ts).
 *
 * This is the entry the test imports (`/browser-page.js`); the checks are in
 * the modules beside it, by concern, each served to the page under its own
 * name: browser-page-codecs.ts (core, codecs, rxjs and @sluice/rx's
 * operators), browser-page-websocket.ts (the WebSocket conversations),
 * browser-page-render.ts (the results in the page), browser-page-bytes.ts
 * (cutting, joining and showing bytes).
 */
export {
  type PageInput,
  type PageResults,
  type RoundTrip,
  runChecks,
  runRxChecks,
} from './browser-page-codecs.js';
export {
  runWebSocketJson,
  runWebSocketLines,
  runWebSocketRx,
  type WebSocketJsonResults,
  type WebSocketLinesInput,
  type WebSocketLinesResults,
  type WebSocketRxResults,
} from './browser-page-websocket.js';
