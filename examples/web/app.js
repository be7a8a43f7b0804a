/**
 * The page's program (see server.ts): connects to the room over the browser's
 * own WebSocket with `@sluice/ws`, reads the server's JSON events with a
 * `for await` loop (one value per message), and shows them. With
 * `reconnecting()` of `@sluice/connection` it comes back by itself when the
 * server stops and starts again, and says what it is doing meanwhile
 * ("reconnecting in 400 ms…", "connected"). Plain JavaScript
 * as a browser runs it: the bare imports resolve through index.html's import
 * map to the built ESM packages. Everything from the network goes into the
 * page as text (`textContent`), never as HTML.
 */
import { json } from '@sluice/codec';
import { reconnecting } from '@sluice/connection';
import { connect, messages } from '@sluice/ws';

const GRAPH_BARS = 60;
const SHOWN_MESSAGES = 50;

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'),
  clients: $('clients'),
  fps: $('fps'),
  frames: $('frames'),
  bytes: $('bytes'),
  elu: $('elu'),
  scale: $('scale'),
  graph: $('graph'),
  messages: $('messages'),
  form: $('say'),
  name: $('name'),
  text: $('text'),
  send: $('send'),
};

const bars = Array.from({ length: GRAPH_BARS }, () => ui.graph.appendChild(document.createElement('i')));
/** The server's event-loop utilization at each tick, in percent. */
const utilizations = [];
/** The graph's top, in percent: the smallest of these that the bars shown fit under, so that an idle server's few percent still show. */
const SCALES = [5, 10, 25, 50, 100];
/** When the frames of the last second arrived: their count is the frames per second. */
const arrivals = [];
let framesIn = 0;
/** When the newest message shown was sent. */
let lastShownAt = 0;

/** Shows the connection's state; `why` (what ended the last session, or made the last attempt fail) as its tooltip. */
function setStatus(state, text, why = '') {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
  ui.status.title = why;
}

/** An error as a person reads it: its code, else its name. */
function describe(error) {
  if (error === undefined) return 'closed';
  return error?.code ?? error?.name ?? String(error);
}

function countFrame() {
  framesIn++;
  arrivals.push(performance.now());
}

function refreshRate() {
  const now = performance.now();
  while (arrivals.length > 0 && arrivals[0] <= now - 1000) arrivals.shift();
  ui.fps.textContent = String(arrivals.length);
  ui.frames.textContent = framesIn.toLocaleString('en');
}
setInterval(refreshRate, 250);

function showUtilization(elu) {
  ui.elu.textContent = `${elu.toFixed(1)}% busy`;
  utilizations.push(elu);
  if (utilizations.length > GRAPH_BARS) utilizations.shift();
  const top = Math.max(...utilizations);
  const scale = SCALES.find((s) => top <= s) ?? 100;
  ui.scale.textContent = `0–${scale}%`;
  const offset = GRAPH_BARS - utilizations.length;
  bars.forEach((bar, i) => {
    bar.style.height = i < offset ? '0' : `${Math.max(2, (utilizations[i - offset] / scale) * 100)}%`;
    bar.title = i < offset ? '' : `${utilizations[i - offset]}%`;
  });
}

function showMessage({ from, text, at }) {
  lastShownAt = Math.max(lastShownAt, at);
  ui.messages.querySelector('.empty')?.remove();
  const item = document.createElement('li');
  if (from === ui.name.value) item.className = 'mine';
  const time = new Date(at).toLocaleTimeString('en-GB');
  for (const [className, content] of [
    ['time', time],
    ['from', from],
    ['text', text],
  ]) {
    const span = item.appendChild(document.createElement('span'));
    span.className = className;
    span.textContent = content;
  }
  ui.messages.append(item);
  while (ui.messages.children.length > SHOWN_MESSAGES) ui.messages.firstElementChild.remove();
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

function show(event) {
  switch (event?.type) {
    case 'welcome':
      ui.name.value ||= event.you;
      ui.clients.textContent = String(event.clients);
      // After a reconnect the history repeats what is shown already: only what came since.
      for (const message of event.history) if (message.at > lastShownAt) showMessage(message);
      break;
    case 'presence':
      ui.clients.textContent = String(event.clients);
      break;
    case 'tick':
      ui.clients.textContent = String(event.clients);
      showUtilization(event.elu);
      break;
    case 'message':
      showMessage(event);
      break;
    // Anything else is from a newer server: ignored.
  }
}

/** Bytes received on the sessions before the current one. */
let bytesBefore = 0;

async function main() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // One session per connection: when the server goes away (a restart, a deploy), the page waits a moment (growing,
  // with jitter: a room full of pages does not hammer a server coming back) and connects again, by itself.
  const client = reconnecting((signal) => connect(`${scheme}//${location.host}/live`, { signal, timeout: 5000 }), {
    codec: json({ framing: messages() }),
    maxDelay: 5000,
    onRetry: ({ error, delay }) => setStatus('reconnecting', `reconnecting in ${delay} ms…`, describe(error)),
  });

  ui.form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const text = ui.text.value.trim();
    if (text === '') return;
    ui.text.value = '';
    // Resolves once the browser can take more; a full socket makes it wait rather than buffer without bound.
    client.write({ type: 'say', from: ui.name.value, text }).catch((error) => {
      setStatus('closed', `cannot send (${describe(error)})`);
    });
  });

  for await (const io of client) {
    setStatus('open', 'connected');
    ui.send.disabled = false;
    let lost = 'the server closed the room';
    try {
      for await (const event of io) {
        countFrame();
        show(event);
        ui.bytes.textContent = (bytesBefore + io.connection.counters.bytesIn).toLocaleString('en');
      }
    } catch (error) {
      lost = describe(error);
    } finally {
      bytesBefore += io.connection.counters.bytesIn;
      ui.send.disabled = true;
      ui.clients.textContent = '–'; // unknown until the next welcome
      refreshRate();
    }
    setStatus('reconnecting', 'reconnecting…', lost);
  }
}

main();
