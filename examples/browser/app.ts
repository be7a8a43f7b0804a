/**
 * The page's program, not run by itself (server.ts bundles it for the browser): the
 * server's live figures through `webSocket$` of `@sluice/rx`, a WebSocket as
 * an RxJS subject. `openObserver` says hello on every (re)connection, `next()`
 * sends pings, and `retry()` reconnects after a close: press "Drop" to see
 * it. Everything from the network goes into the page as text.
 */
import { json } from '@sluice/codec';
import { webSocket$ } from '@sluice/rx';
import { messages, WebSocketCloseError } from '@sluice/ws';
import { retry, timer } from 'rxjs';
import type { ClientMessage, ServerMessage } from './messages.js';

const BARS = 60;
const RECONNECT_MS = 1000;

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const bars = Array.from({ length: BARS }, () => $('graph').appendChild(document.createElement('i')));
const utilizations: number[] = [];
/** When each unanswered ping left, by id. */
const pings = new Map<number, number>();
let nextPing = 1;
let connections = 0;
let open = false;

function setStatus(state: 'connecting' | 'open' | 'closed', text: string): void {
  $('status').dataset['state'] = state;
  $('status').textContent = text;
  ($('drop') as HTMLButtonElement).disabled = state !== 'open';
}

function log(text: string): void {
  const item = $('log').appendChild(document.createElement('li'));
  item.textContent = `${new Date().toLocaleTimeString('en-GB')}  ${text}`;
  while ($('log').children.length > 6) $('log').firstElementChild?.remove();
}

function ping(): void {
  if (!open) return; // next() would queue it for the next connection: pings there would time nothing real
  pings.set(nextPing, performance.now());
  live.next({ type: 'ping', id: nextPing++ });
}

function show(message: ServerMessage): void {
  if (message.type === 'pong') {
    const sent = pings.get(message.id);
    pings.delete(message.id);
    if (sent !== undefined) $('rtt').textContent = `${(performance.now() - sent).toFixed(1)} ms`;
    return;
  }
  $('elu').textContent = `${message.elu.toFixed(1)}%`;
  $('heap').textContent = `${message.heapMB.toFixed(1)} MB`;
  $('clients').textContent = String(message.clients);
  utilizations.push(message.elu);
  if (utilizations.length > BARS) utilizations.shift();
  const scale = [5, 10, 25, 50, 100].find((top) => Math.max(...utilizations) <= top) ?? 100;
  $('scale').textContent = `0–${scale}%`;
  const offset = BARS - utilizations.length;
  bars.forEach((bar, i) => {
    bar.style.height = i < offset ? '0' : `${Math.max(2, ((utilizations[i - offset] ?? 0) / scale) * 100)}%`;
  });
}

const live = webSocket$<ServerMessage, ClientMessage>({
  url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/stats`,
  codec: json({ framing: messages() }), // one JSON value per WebSocket message
  // On every connection, the first one and each retry() makes: before any message is read.
  openObserver: {
    next: () => {
      open = true;
      $('connections').textContent = String(++connections);
      setStatus('open', 'connected');
      log(connections === 1 ? 'connected' : `reconnected (connection ${connections})`);
      live.next({ type: 'hello' });
      ping();
    },
  },
  closeObserver: {
    next: () => {
      open = false;
      pings.clear();
    },
  },
});

live
  .pipe(
    // A close other than normal is an error notification (WebSocketCloseError, with the code): wait, then subscribe
    // again, which opens a new connection.
    retry({
      delay: (error: unknown) => {
        const why =
          error instanceof WebSocketCloseError ? `closed with ${error.closeCode} ${error.reason}` : String(error);
        log(`${why}; reconnecting in ${RECONNECT_MS / 1000} s`);
        setStatus('connecting', 'reconnecting…');
        return timer(RECONNECT_MS);
      },
    }),
  )
  .subscribe({
    next: show,
    complete: () => {
      setStatus('closed', 'the server closed the connection');
      log('the server ended the stream');
    },
  });

setInterval(ping, 1000);
$('drop').addEventListener('click', () => live.next({ type: 'drop' }));
