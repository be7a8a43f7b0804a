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
 */
import { type Codec, decode, encode, FrameTooLongError, json, lengthPrefixed, lines } from '@sluice/codec';
import { collect, map, pipe, SluiceError } from '@sluice/core';
import { from, lastValueFrom, map as rxMap, toArray } from 'rxjs';
import type { Cuts } from '../../../../test-support/chunking.js';

/** Inputs from the test: the frames to round-trip (byte frames as arrays of numbers) and the cuttings to try. */
export interface PageInput {
  lines: string[];
  json: unknown[];
  bytes: number[][];
  cuttings: Cuts[];
}

/** One codec's round trip: the encoded bytes (hex) and, per cutting, the frames decoded from them. */
export interface RoundTrip<T> {
  wire: string;
  decoded: T[][];
}

export interface PageResults {
  userAgent: string;
  core: { tenfold: number[]; squaresInOrder: number[] };
  lines: RoundTrip<string>;
  json: RoundTrip<unknown>;
  /** `lengthPrefixed({ width: 'varint' })`, frames as hex. */
  varint: RoundTrip<string>;
  frameTooLong: {
    name: string;
    code: unknown;
    message: string;
    size: unknown;
    limit: unknown;
    isSluiceError: boolean;
    isFrameTooLongError: boolean;
    /** Chunks the decoder had pulled when it failed: the header's bytes, none of the payload. */
    chunksPulled: number;
    framesBefore: number;
  };
  /** The lines decoded by `decode(lines())`, read through rxjs `from()` and upper-cased with its `map`. */
  rxjs: string[];
}

export async function runChecks(input: PageInput): Promise<PageResults> {
  const results: PageResults = {
    userAgent: navigator.userAgent,
    core: {
      tenfold: await pipe(
        [1, 2, 3, 4],
        map((n: number) => n * 10),
        collect(),
      ),
      squaresInOrder: await pipe(
        countTo(6),
        map(
          async (n: number) => {
            for (let tick = n; tick < 6; tick++) await null; // later calls finish first
            return n * n;
          },
          { concurrency: 3 },
        ),
        collect(),
      ),
    },
    lines: await roundTrip(lines(), input.lines, input.cuttings, (line) => line),
    json: await roundTrip(json(), input.json, input.cuttings, (value) => value),
    varint: await roundTrip(
      lengthPrefixed({ width: 'varint' }),
      input.bytes.map((frame) => Uint8Array.from(frame)),
      input.cuttings,
      hex,
    ),
    frameTooLong: await frameTooLong(),
    rxjs: await lastValueFrom(
      from(decode(lines())(rechunk(await encodeToBytes(lines(), input.lines), [3, 5, 8]))).pipe(
        rxMap((line) => line.toUpperCase()),
        toArray(),
      ),
    ),
  };
  render(results, input);
  return results;
}

/**
 * `@sluice/rx`'s operators with RxJS: encodes `frames` with `encodeWith(lines())`, cuts the bytes as `cuts` says,
 * and decodes them with `decodeWith(lines())`. Imports `@sluice/rx` only when called, so that a build of it that
 * cannot load here fails this call and nothing else.
 */
export async function runRxChecks(frames: string[], cuttings: Cuts[]): Promise<{ wire: string; decoded: string[][] }> {
  const { decodeWith, encodeWith } = await import('@sluice/rx');
  const wire = concat(await lastValueFrom(from(frames).pipe(encodeWith(lines()), toArray())));
  const decoded: string[][] = [];
  for (const cuts of cuttings) {
    decoded.push(await lastValueFrom(from(rechunk(wire, cuts)).pipe(decodeWith(lines()), toArray())));
  }
  return { wire: hex(wire), decoded };
}

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

async function roundTrip<T, R>(
  codec: Codec<T>,
  frames: readonly T[],
  cuttings: readonly Cuts[],
  show: (frame: T) => R,
): Promise<RoundTrip<R>> {
  const wire = await encodeToBytes(codec, frames);
  const decoded: R[][] = [];
  for (const cuts of cuttings) {
    decoded.push(await pipe(rechunk(wire, cuts), decode(codec), map(show), collect()));
  }
  return { wire: hex(wire), decoded };
}

/** A varint header announcing 1,000,000 bytes against a limit of 1024, fed a byte at a time, then payload. */
async function frameTooLong(): Promise<PageResults['frameTooLong']> {
  const header = [0xc0, 0x84, 0x3d]; // 1_000_000 = 0x0f4240: 7 bits at a time, low first, high bit = more
  let chunksPulled = 0;
  async function* bytes() {
    for (const byte of [...header, 1, 2, 3]) {
      chunksPulled++;
      yield Uint8Array.of(byte);
    }
  }
  const frames: Uint8Array[] = [];
  try {
    for await (const frame of decode(lengthPrefixed({ width: 'varint', maxFrameLength: 1024 }))(bytes())) {
      frames.push(frame);
    }
  } catch (error) {
    const e = error as Error & { code?: unknown; size?: unknown; limit?: unknown };
    return {
      name: e.name,
      code: e.code,
      message: e.message,
      size: e.size,
      limit: e.limit,
      isSluiceError: error instanceof SluiceError,
      isFrameTooLongError: error instanceof FrameTooLongError,
      chunksPulled,
      framesBefore: frames.length,
    };
  }
  throw new Error(`decoding a 1,000,000-byte header under a 1024-byte limit did not fail (${frames.length} frames)`);
}

async function* countTo(n: number): AsyncGenerator<number> {
  for (let i = 1; i <= n; i++) yield i;
}

async function encodeToBytes<T>(codec: Codec<T>, frames: readonly T[]): Promise<Uint8Array> {
  return concat(await pipe(frames, encode(codec), collect()));
}

/** As test-support/chunking.ts's `rechunk` (which imports fast-check, not served here): copies, so no shared memory. */
function rechunk(bytes: Uint8Array, cuts: Cuts): Uint8Array[] {
  if (cuts === 'whole') return [bytes.slice()];
  if (cuts === 'bytewise') return Array.from(bytes, (byte) => Uint8Array.of(byte));
  const offsets = cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const offset of offsets) {
    chunks.push(bytes.slice(start, offset));
    start = offset;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The results as a small table in the page, for a person (or a screenshot) to see. */
function render(results: PageResults, input: PageInput): void {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const trips = (name: string, trip: RoundTrip<unknown>, expected: unknown[]) =>
    [
      name,
      `${expected.length} frames, ${trip.wire.length / 2} bytes, ${trip.decoded.length} cuttings`,
      trip.decoded.every((frames) => same(frames, expected)),
    ] as const;
  const rows = [
    ['pipe / map / collect', results.core.tenfold.join(', '), same(results.core.tenfold, [10, 20, 30, 40])],
    trips('lines()', results.lines, input.lines),
    trips('json()', results.json, input.json),
    trips(
      "lengthPrefixed({ width: 'varint' })",
      results.varint,
      input.bytes.map((frame) => hex(Uint8Array.from(frame))),
    ),
    [
      'oversized varint header',
      `${results.frameTooLong.code}: ${results.frameTooLong.message}`,
      results.frameTooLong.code === 'ERR_FRAME_TOO_LONG',
    ],
    [
      'rxjs from(decode(lines()))',
      results.rxjs.join(' | '),
      same(
        results.rxjs,
        input.lines.map((l) => l.toUpperCase()),
      ),
    ],
  ] as const;
  const table = document.createElement('table');
  for (const [name, detail, ok] of rows) {
    const row = table.insertRow();
    for (const text of [ok ? '✔' : '✘', name, detail]) row.insertCell().textContent = text;
    row.style.color = ok ? 'green' : 'crimson';
  }
  const heading = document.createElement('h1');
  heading.textContent = 'Sluice in Chromium: @sluice/core and @sluice/codec from dist/, with rxjs';
  const agent = document.createElement('p');
  agent.textContent = results.userAgent;
  document.body.replaceChildren(heading, table, agent);
  document.body.style.font = '14px sans-serif';
}
