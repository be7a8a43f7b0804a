/**
 * The page's program (see server.ts): connects to the room over the browser's
 * own WebSocket with `@sluice/ws`, reads the server's JSON events with a
 * `for await` loop (one value per message), and shows them. Plain JavaScript
 * as a browser runs it: the bare imports resolve through index.html's import
 * map to the built ESM packages. Everything from the network goes into the
 * page as text (`textContent`), never as HTML.
 */
import { json } from '@sluice/codec';
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

function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
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
      for (const message of event.history) showMessage(message);
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

async function main() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let conn;
  try {
    conn = await connect(`${scheme}//${location.host}/live`, { timeout: 5000 });
  } catch (error) {
    setStatus('closed', `cannot connect (${error.code ?? error.name})`);
    return;
  }
  setStatus('open', 'connected');
  const io = conn.framed(json({ framing: messages() }));

  ui.form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const text = ui.text.value.trim();
    if (text === '') return;
    ui.text.value = '';
    // Resolves once the browser can take more; a full socket makes it wait rather than buffer without bound.
    io.write({ type: 'say', from: ui.name.value, text }).catch((error) => {
      setStatus('closed', `cannot send (${error.code ?? error.name})`);
    });
  });
  ui.send.disabled = false;

  try {
    for await (const event of io) {
      countFrame();
      show(event);
      ui.bytes.textContent = conn.counters.bytesIn.toLocaleString('en');
    }
    setStatus('closed', 'the server closed the room');
  } catch (error) {
    setStatus('closed', `disconnected (${error.code ?? error.name})`);
  } finally {
    ui.send.disabled = true;
    refreshRate();
  }
}

main();
