/**
 * How options.test.ts calls each options object of the public API: with the
 * options beside valid arguments (CALLS, and callOf() for an options object
 * held by another, as `reconnecting.outbox`), what a call gave (outcome(),
 * codeOf(), messageOf()), the options objects exempt and why, and the peers
 * the calls reach (openPeers()). A new options object of the public API needs
 * its entry in CALLS, or in EXEMPT with the reason.
 */
import net from 'node:net';
import { AcceptQueue, serveConnections } from '@sluice/connection/transport';
import { of } from 'rxjs';
import {
  batch,
  bind,
  channel,
  checkOption,
  connect,
  fromNodeSocket,
  isSluiceError,
  json,
  lengthPrefixed,
  lines,
  listen,
  map,
  reconnecting,
  requester,
  respond,
  text,
  ws,
} from 'sluice';
import { listen$, socket$, startListening, toAsyncIterable, webSocket$ } from 'sluice/rx';
import { afterAll, beforeAll } from 'vitest';
import { within } from '../../../../test-support/waits.js';
import { connect as browserConnect } from '../../../ws/src/browser.js';
import type { OptionsParameter } from './public-options.js';

/** Options objects that are not the caller's own, so cannot know every key. */
export const EXEMPT: Record<string, string> = {
  'connection/transport.checkConnectionOptions':
    "checks a transport's connect or listen options, which hold more keys: that function checks them",
  'connection/transport.checkReconnectPolicy':
    'checks a policy held under another name (`socket$({ reconnect })`), whose owner checks its keys against RECONNECT_POLICY_KEYS',
  'connection/transport.checkServerTlsOptions':
    "checks a transport's listen options, which hold more keys: that function checks them",
  'connection/transport.fromTransport':
    "takes the options of the transport's connect or listen function calling it, which checks the keys",
};

/** An options object, as the tests pass it. */
export type Options = Record<string, unknown>;

/** How the tests call one function: with `options` beside valid arguments, and what to do with what it returns. */
export interface Call {
  call(options: Options): unknown;
  /** Options that make the call succeed (for `Infinity` accepted). */
  base?: Options;
  /** Releases what a successful call returned; by default, `close()` it or `await using` it. */
  release?: (value: unknown) => unknown;
}

const NOTHING = () => {};
/** A net listener the calls reach, open while the file's tests run (openPeers()). */
export let netListener: Awaited<ReturnType<typeof listen>>;
/** A WebSocket listener the calls reach, open while the file's tests run (openPeers()). */
export let wsListener: Awaited<ReturnType<typeof ws.listen>>;
/** A connection to `netListener`, open while the file's tests run (openPeers()). */
export let conn: Awaited<ReturnType<typeof connect>>;
let udp: Awaited<ReturnType<typeof bind>>;
/** Loopback: every listener and connection here is on it. */
export const host = '127.0.0.1';

/**
 * Opens the peers the calls reach (a net and a WebSocket listener, a
 * connection, a UDP socket) before the file's tests, and closes them, with
 * the connections of requesters, after. Call once at the top of the file.
 */
export function openPeers(): void {
  beforeAll(async () => {
    netListener = await listen({ host, port: 0 });
    wsListener = await ws.listen({ host, port: 0 });
    conn = await connect(netListener.address as { host: string; port: number });
    udp = await bind();
  });

  afterAll(async () => {
    for (const own of owned) own.destroy();
    await conn?.close();
    await netListener?.close();
    await wsListener?.close();
    await udp?.close();
  });
}

/** Serves on a fresh listener with `options`, closes it, and resolves with what serve() resolves with. */
async function serveAndClose(
  open: () => Promise<{ serve(h: () => void, o: Options): Promise<unknown>; close(): Promise<void> }>,
  options: Options,
): Promise<unknown> {
  const listener = await open();
  let served: Promise<unknown>;
  try {
    served = listener.serve(NOTHING, options);
  } finally {
    void listener.close();
  }
  return served;
}

/** Subscribes to a socket subject or listen$ until it is open (or fails), then unsubscribes. */
function untilOpen(subscribe: (opened: () => void) => { subscribe(o: object): { unsubscribe(): void } }) {
  return new Promise((resolve, reject) => {
    let subscription: { unsubscribe(): void } | undefined;
    let open = false;
    const source = subscribe(() => {
      open = true;
      subscription?.unsubscribe();
      resolve(NOTHING);
    });
    subscription = source.subscribe({ error: reject });
    if (open) subscription.unsubscribe();
  });
}

const KEEP = { release: NOTHING };
/** Connections of their own for requesters, which read them: destroyed at the end. */
const owned: Awaited<ReturnType<typeof connect>>[] = [];
async function ownFramed() {
  const own = await connect(netListener.address as { host: string; port: number });
  owned.push(own);
  return own.framed(lines());
}
/** A connection is destroyed, not closed: with `closeTimeout: Infinity`, close() waits for a peer that never reads. */
const destroy = (value: unknown) => (value as { destroy(): void }).destroy();

/** How to call each options object of the public API, by its name in `publicOptionsParameters()`. */
export const CALLS: Record<string, Call> = {
  // @sluice/core
  batch: { call: (o) => batch(o), base: { size: 2 }, ...KEEP },
  channel: { call: (o) => channel(o), ...KEEP },
  'Channel#push': { call: (o) => channel({ capacity: 1 }).push(1, o), ...KEEP },
  checkOption: { call: (o) => checkOption('x', undefined, 'string', o), ...KEEP },
  map: { call: (o) => map((x) => x, o), ...KEEP },
  // @sluice/codec
  json: { call: (o) => json(o), ...KEEP },
  lengthPrefixed: { call: (o) => lengthPrefixed(o), ...KEEP },
  lines: { call: (o) => lines(o), ...KEEP },
  text: { call: (o) => text(o), ...KEEP },
  // @sluice/connection and @sluice/connection/transport
  'connection/transport.AcceptQueue#accept': { call: (o) => new AcceptQueue(1).accept(o), ...KEEP },
  'connection/transport.AcceptQueue#serve': {
    call: (o) => {
      const queue = new AcceptQueue(1);
      const served = queue.serve(NOTHING, o, async () => {});
      queue.close();
      return served;
    },
    ...KEEP,
  },
  'connection/transport.serveConnections': {
    call: (o) => serveConnections({ accept: async () => undefined, close: async () => {} }, NOTHING, o),
    ...KEEP,
  },
  'Connection#write': { call: (o) => conn.write('', o), ...KEEP },
  'Connection#framed': { call: (o) => conn.framed(lines(), { keepOpen: true, ...o }), ...KEEP },
  'Connection#reader': { call: (o) => conn.reader({ keepOpen: true, ...o }), ...KEEP },
  'Framed#write': { call: (o) => conn.framed(lines(), { keepOpen: true }).write('', o), ...KEEP },
  'Framed#writeAll': { call: (o) => conn.framed(lines(), { keepOpen: true }).writeAll([], o), ...KEEP },
  'Framed#read': { call: (o) => conn.framed(lines(), { keepOpen: true }).read(o), ...KEEP },
  'Framed#byChunk': { call: (o) => conn.framed(lines(), { keepOpen: true }).byChunk(o), ...KEEP },
  reconnecting: { call: (o) => reconnecting(async () => conn, o as never), base: { codec: lines() } }, // a codec, for outbox
  'ReconnectingFramedClient#write': {
    call: (o) => {
      const client = reconnecting(async () => conn, { codec: lines(), signal: AbortSignal.abort() });
      return client.write('', o).catch((error: unknown) => {
        if (!isSluiceError(error, 'ERR_CLOSED')) throw error; // the options were taken: the client has ended
      });
    },
    ...KEEP,
  },
  requester: {
    call: async (o) => requester(await ownFramed(), { correlate: 'order', ...o }),
    release: (rpc) => void (rpc as { close(): Promise<void> }).close().catch(NOTHING),
  },
  'Requester#request': {
    call: async (o) => {
      const rpc = requester(await ownFramed(), { correlate: 'order' });
      const answered = rpc.request('', { timeout: 1, ...o });
      void rpc.close().catch(NOTHING);
      return answered.catch((error: unknown) => {
        if (!isSluiceError(error, 'ERR_REQUEST_CLOSED') && !isSluiceError(error, 'ERR_REQUEST_TIMEOUT')) throw error;
      });
    },
    ...KEEP,
  },
  respond: {
    call: (o) =>
      respond(conn.framed(lines(), { keepOpen: true }), () => undefined, { ...o, signal: AbortSignal.abort() }),
    ...KEEP,
  },
  // @sluice/net
  connect: { call: (o) => connect(o), base: { host, port: 0 }, release: destroy },
  listen: { call: (o) => listen(o), base: { host, port: 0 } },
  bind: { call: (o) => bind(o) },
  fromNodeSocket: { call: (o) => fromNodeSocket(new net.Socket(), o), release: destroy },
  // Listener#accept and Listener#serve are ListenerBase's, found (once) as ws.WebSocketListener's below.
  'DatagramSocket#send': { call: (o) => udp.send('', udp.address, o), ...KEEP },
  // @sluice/ws
  'ws.connect': { call: (o) => ws.connect(`ws://${host}:${wsListener.port}`, o), release: destroy },
  'ws.listen': { call: (o) => ws.listen(o), base: { host, port: 0 } },
  'ws.WebSocketListener#accept': { call: (o) => wsListener.accept(o), ...KEEP },
  'ws.WebSocketListener#serve': { call: (o) => serveAndClose(() => ws.listen({ host, port: 0 }), o), ...KEEP },
  'ws/browser.connect': { call: (o) => browserConnect(`ws://${host}:${wsListener.port}`, o), release: destroy },
  // @sluice/rx
  toAsyncIterable: { call: (o) => toAsyncIterable(of(1), o), ...KEEP },
  socket$: {
    call: (o) => untilOpen((opened) => socket$({ codec: lines(), openObserver: { next: opened }, ...o })),
    base: { host, port: 0 },
    ...KEEP,
  },
  listen$: {
    call: (o) => untilOpen((opened) => listen$({ codec: lines(), host, port: 0, onListening: opened, ...o })),
    ...KEEP,
  },
  startListening: {
    call: (o) => startListening({ codec: lines(), host, port: 0, ...o }),
    release: (server) => (server as { unsubscribe(): void }).unsubscribe(),
  },
  webSocket$: {
    call: (o) => untilOpen((opened) => webSocket$({ url: '', codec: lines(), openObserver: { next: opened }, ...o })),
    ...KEEP,
  },
};

/** What a call threw or rejected with, or what it returned (released at once). */
export async function outcome(entry: Call, options: Options): Promise<{ error: unknown } | { value: unknown }> {
  let value: unknown;
  try {
    value = await within(
      Promise.resolve().then(() => entry.call(options)),
      5000,
      `the call with ${Object.keys(options)}`,
    );
  } catch (error) {
    return { error };
  }
  await release(entry, value);
  return { value };
}

/** Releases what a call returned: its own way, or else close() if it has one. */
async function release(entry: Call, value: unknown): Promise<void> {
  if (entry.release !== undefined) return void (await entry.release(value));
  const closable = value as { close?: () => Promise<void> } | undefined;
  await closable?.close?.();
}

/** The code of what a call threw, or 'no error'. */
export const codeOf = (result: { error: unknown } | { value: unknown }) =>
  'error' in result ? (isSluiceError(result.error) ? result.error.code : String(result.error)) : 'no error';
/** The message of what a call threw, or 'no error'. */
export const messageOf = (result: { error: unknown } | { value: unknown }) =>
  'error' in result ? (result.error as Error).message : 'no error';

/**
 * How to call with the options object `parameter`: its own entry in CALLS, or,
 * for one held by another (`reconnecting.outbox`), the holder's call with it
 * under its key. `live` joins the holder's base (a server it can reach).
 */
export function callOf(parameter: OptionsParameter | undefined, live: Options = {}): Call | undefined {
  if (parameter === undefined) return undefined;
  const { heldBy } = parameter;
  const own = CALLS[heldBy?.name ?? parameter.name];
  if (own === undefined) return undefined;
  if (heldBy === undefined) return { ...own, base: { ...own.base, ...live } };
  const held: Call = { call: (options) => own.call({ ...own.base, ...live, [heldBy.key]: options }) };
  if (own.release !== undefined) held.release = own.release;
  return held;
}
