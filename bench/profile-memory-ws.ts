/**
 * The WebSocket JSON server of profile-ws.ts without a network: a message
 * transport in memory pushes the bench's small JSON messages 256 at a time
 * (as `ws` emits a TCP chunk's messages), read with `for await` over
 * `framed(json({ framing: messages() }))` (`sluice`), against the same
 * messages decoded (TextDecoder, fatal) and parsed as they come and handed
 * out by the smallest async iterator (`floor`). What is left between the two
 * is Sluice's machinery per message, free of socket and scheduler noise.
 *
 *   pnpm build
 *   pnpm bench:one bench/profile-memory-ws.ts sluice|floor [--prof]   # --prof writes /tmp/profile-memory-ws.cpuprofile
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { json } from '@sluice/codec';
import { fromTransport, type Transport, type TransportEvents } from '@sluice/connection/transport';
import { messages } from '@sluice/ws';
import { MESSAGES } from './ws-messages.mjs';

/** A message transport in memory: once resumed, pushes `left` messages in bursts of 256, a turn of the event loop apart. */
class MemoryMessages implements Transport<null> {
  remoteAddress = undefined;
  localAddress = undefined;
  bytesIn = 0;
  bytesOut = 0;
  unsentBytes = 0;
  destroyed = false;
  closed = false;
  readableEnded = false;
  writableEnded = false;
  writableFinished = false;
  events!: TransportEvents;
  paused = true;
  left = 0;
  sent = 0;
  open(events: TransportEvents) {
    this.events = events;
  }
  pause() {
    this.paused = true;
  }
  resume() {
    if (this.paused) {
      this.paused = false;
      setImmediate(() => this.burst());
    }
  }
  burst() {
    if (this.paused) return;
    for (let i = 0; i < 256 && this.left > 0; i++, this.left--) this.events.data(MESSAGES[this.sent++ % 512]!);
    if (this.left === 0) {
      this.readableEnded = true;
      this.events.end();
      this.closed = true;
      this.events.close();
      return;
    }
    setImmediate(() => this.burst());
  }
  write() {
    return true;
  }
  end() {}
  destroy() {
    this.destroyed = true;
  }
  reset() {}
  setIdleTimeout() {}
  release() {
    return null;
  }
}
const codec = json<{ type: string }>({ framing: messages() });
async function sluice(n: number) {
  const t = new MemoryMessages();
  t.left = n;
  const conn = fromTransport(t);
  let r = 0;
  for await (const v of conn.framed(codec)) if (v.type === 'tick') r++;
  return r;
}
async function floor(n: number) {
  let left = n,
    sent = 0;
  const td = new TextDecoder('utf-8', { fatal: true });
  const queue: ({ type: string } | undefined)[] = [];
  let waiting: ((r: IteratorResult<{ type: string }>) => void) | undefined;
  const deliver = (v: { type: string } | undefined) => {
    if (waiting === undefined) return void queue.push(v);
    const w = waiting;
    waiting = undefined;
    w(v === undefined ? { value: undefined, done: true } : { value: v, done: false });
  };
  const burst = () => {
    for (let i = 0; i < 256 && left > 0; i++, left--) deliver(JSON.parse(td.decode(MESSAGES[sent++ % 512]!)));
    if (left === 0) return deliver(undefined);
    setImmediate(burst);
  };
  setImmediate(burst);
  const it = {
    next: () =>
      queue.length === 0
        ? new Promise<IteratorResult<{ type: string }>>((res) => (waiting = res))
        : Promise.resolve(
            ((v) => (v === undefined ? { value: undefined, done: true as const } : { value: v, done: false as const }))(
              queue.shift(),
            ),
          ),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  let r = 0;
  for await (const v of it as AsyncIterable<{ type: string }>) if (v.type === 'tick') r++;
  return r;
}
const which = process.argv[2] === 'floor' ? floor : sluice;
const N = 1_000_000;
await which(200_000);
const prof = process.argv.includes('--prof');
const session = new Session();
if (prof) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
}
for (let k = 0; k < 3; k++) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const r = await which(N);
  const u = process.cpuUsage(cpu);
  console.log(
    `${process.argv[2]}: ${(((performance.now() - t) * 1e6) / r).toFixed(0)} ns wall, ${(((u.user + u.system) * 1e3) / r).toFixed(0)} ns CPU per message`,
  );
}
if (prof) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync('/tmp/profile-memory-ws.cpuprofile', JSON.stringify(profile));
}
