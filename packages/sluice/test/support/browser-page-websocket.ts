/**
 * The page's WebSocket conversations in Chromium (served beside
 * support/browser-page.ts, which exports them): @sluice/ws's connect() over
 * the platform's WebSocket with lines() and with json() one value per
 * message, and @sluice/rx's webSocket$, each against the Sluice server in
 * Node on the page's own origin (its half is in browser.test.ts). No Node:
 * it runs as it would on a website.
 */
import { json, lines } from '@sluice/codec';
import { rechunk } from './browser-page-bytes.js';

/** What {@link runWebSocketLines} sends and expects: the server's half is in browser.test.ts. */
export interface WebSocketLinesInput {
  /** The WebSocket endpoint's path on the page's origin. */
  path: string;
  /** How many lines the server sends first (in pieces that cut lines, and characters, across messages). */
  serverLines: number;
  /** Lines the page sends with `io.write()`: one text message each. */
  pageLines: string[];
  /** Lines the page sends as raw bytes, cut at these offsets into one binary message per piece. */
  pageRawLines: string[];
  rawCuts: number[];
}

export interface WebSocketLinesResults {
  fromServer: (string | undefined)[];
  echoes: (string | undefined)[];
  /** What `read()` gave after `closeWrite()`: `'end'` once the server's close ended the stream. */
  afterClose: string;
  bytesOut: number;
  /** The pieces the raw lines went out in, as byte lengths. */
  rawPieces: number[];
}

/**
 * `@sluice/ws`'s `connect()` over the platform's WebSocket, with `lines()` framing: says which conversation this is
 * (one JSON message), reads the server's lines (which arrive cut across binary messages), sends lines both framed
 * (text messages) and as raw pieces cut mid-line and mid-character, reads the echoes, half-closes, and reads the end.
 */
export async function runWebSocketLines(input: WebSocketLinesInput): Promise<WebSocketLinesResults> {
  const { connect, messages } = await import('@sluice/ws');
  const conn = await connect(`ws://${location.host}${input.path}`, { timeout: 5000 });
  try {
    // The first message says what follows; keepOpen leaves the connection to the next reader.
    await conn.framed(json({ framing: messages() }), { keepOpen: true }).write({ conversation: 'lines' });
    const io = conn.framed(lines());
    const fromServer: (string | undefined)[] = [];
    for (let i = 0; i < input.serverLines; i++) fromServer.push(await io.read());
    for (const line of input.pageLines) await io.write(line);
    const raw = new TextEncoder().encode(input.pageRawLines.map((line) => `${line}\n`).join(''));
    const pieces = rechunk(raw, input.rawCuts);
    for (const piece of pieces) await conn.write(piece);
    const echoes: (string | undefined)[] = [];
    for (let i = 0; i < input.pageLines.length + input.pageRawLines.length; i++) echoes.push(await io.read());
    await io.closeWrite();
    const afterClose = await io.read();
    return {
      fromServer,
      echoes,
      afterClose: afterClose === undefined ? 'end' : `a line: ${afterClose}`,
      bytesOut: conn.counters.bytesOut,
      rawPieces: pieces.map((piece) => piece.length),
    };
  } finally {
    await conn.close();
  }
}

export interface WebSocketJsonResults {
  echoes: unknown[];
  /** `read()` after `closeWrite()`: `'end'` once the server's close ended the stream. */
  afterClose: unknown;
  framesOut: number;
  framesIn: number;
}

/** `@sluice/ws`'s `connect()` with `json({ framing: messages() })`: one JSON value per message, echoed by the server. */
export async function runWebSocketJson(path: string, values: unknown[]): Promise<WebSocketJsonResults> {
  const { connect, messages } = await import('@sluice/ws');
  const conn = await connect(`ws://${location.host}${path}`, { timeout: 5000 });
  try {
    const io = conn.framed(json({ framing: messages() }));
    await io.writeAll(values);
    const echoes: unknown[] = [];
    for (let i = 0; i < values.length; i++) echoes.push(await io.read());
    await io.closeWrite();
    const afterClose = await io.read();
    return {
      echoes,
      afterClose: afterClose === undefined ? 'end' : afterClose,
      framesOut: conn.counters.framesOut,
      framesIn: conn.counters.framesIn,
    };
  } finally {
    await conn.close();
  }
}

export interface WebSocketRxResults {
  echoes: unknown[];
  /** Notifications of the subscription, in order: `next` counted, then `complete` or `error: …`. */
  notifications: string[];
  opened: number;
  closes: { wasClean: boolean; error?: string }[];
}

/**
 * `@sluice/rx`'s `webSocket$` with `json({ framing: messages() })`: subscribes, sends `values` with `next()`,
 * completes the subject once every echo is in, and resolves when the subscription completes (the server's close).
 */
export async function runWebSocketRx(path: string, values: unknown[]): Promise<WebSocketRxResults> {
  const { webSocket$ } = await import('@sluice/rx');
  const { messages } = await import('@sluice/ws');
  const results: WebSocketRxResults = { echoes: [], notifications: [], opened: 0, closes: [] };
  const subject = webSocket$<unknown>({
    url: `ws://${location.host}${path}`,
    codec: json({ framing: messages() }),
    timeout: 5000,
    openObserver: { next: () => results.opened++ },
    closeObserver: {
      next: (event) =>
        results.closes.push({
          wasClean: event.wasClean,
          ...(event.error === undefined ? {} : { error: String(event.error) }),
        }),
    },
  });
  await new Promise<void>((resolve) => {
    subject.subscribe({
      next: (value) => {
        results.echoes.push(value);
        if (results.echoes.length === values.length) subject.complete(); // every echo is in: half-close
      },
      error: (error: unknown) => {
        results.notifications.push(`error: ${error instanceof Error ? `${error.name}: ${error.message}` : error}`);
        resolve();
      },
      complete: () => {
        results.notifications.push('complete');
        resolve();
      },
    });
    for (const value of values) subject.next(value);
  });
  return results;
}
