/**
 * A transport of your own: a `Connection` over a `MessagePort`, with
 * `fromTransport()` of `@sluice/connection/transport`.
 *
 * A `MessageChannel` joins two ports: a worker and its page, two worker
 * threads, an iframe and its parent. They carry messages, not a byte stream,
 * and push back on nobody. Below, `MessagePortTransport` carries bytes over
 * one (about 130 lines: the `Transport` interface is the whole seam), and
 * `fromTransport()` puts a `Connection` on it, with everything a socket's
 * has: codecs, `for await`, awaitable writes, half-close, counters. No Node
 * imports: it runs in browsers and workers as it is.
 *
 * Backpressure: the receiver acknowledges the bytes its connection has taken,
 * and `write()` asks the writer to wait (returns false) while more than
 * `WINDOW` bytes are unacknowledged; a paused receiver holds what arrives and
 * acknowledges nothing, so a slow reader slows the writer, as over TCP.
 *
 * Run:   pnpm exec tsx examples/custom-transport.ts      (ends by itself)
 */
import { json } from '@sluice/codec';
import { fromTransport, IdleTimer, type Transport, type TransportEvents } from '@sluice/connection/transport';

/** Unacknowledged bytes a writer may have in flight before `write()` says wait. */
const WINDOW = 64 * 1024;

/** What goes over the port: bytes, an acknowledgement, this side's end, or an abort. */
type Packet = { data: Uint8Array } | { ack: number } | { end: true } | { reset: true };

class MessagePortTransport implements Transport<MessagePort> {
  readonly protocol = 'message-port';
  readonly remoteAddress = undefined; // a port has no address
  readonly localAddress = undefined;
  bytesIn = 0;
  bytesOut = 0;
  /** Sent but not yet acknowledged by the peer's connection. */
  unsentBytes = 0;
  destroyed = false;
  closed = false;
  readableEnded = false;
  writableEnded = false;
  writableFinished = false;
  /** How often `write()` asked the writer to wait (only for this example's output). */
  waits = 0;

  readonly #port: MessagePort;
  readonly #idle = new IdleTimer();
  #events: TransportEvents | undefined;
  #paused = true;
  /** What arrived while paused (bytes, or the peer's end), delivered on `resume()`. */
  readonly #held: (Uint8Array | 'end')[] = [];

  constructor(port: MessagePort) {
    this.#port = port;
  }

  open(events: TransportEvents): void {
    this.#events = events;
    this.#port.addEventListener('message', this.#onMessage);
    this.#port.addEventListener('close', this.#onPortClosed); // the other side closed without a word
    this.#port.start();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#deliver();
  }

  write(bytes: Uint8Array): boolean {
    this.#port.postMessage({ data: bytes } satisfies Packet); // a copy: the caller may reuse `bytes` at once
    this.bytesOut += bytes.byteLength;
    this.unsentBytes += bytes.byteLength;
    this.#idle.touch();
    if (this.unsentBytes < WINDOW) return true;
    this.waits++;
    return false;
  }

  end(): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    this.#port.postMessage({ end: true } satisfies Packet);
    // Posted messages arrive in order, even if this port closes next: everything is handed over.
    queueMicrotask(() => {
      this.writableFinished = true;
      this.#events?.finish();
      if (this.readableEnded) this.#close();
    });
  }

  destroy(error?: Error): void {
    if (this.destroyed) return;
    if (error !== undefined) this.#events?.error(error);
    this.#close();
  }

  reset(error: Error): void {
    if (!this.destroyed) this.#port.postMessage({ reset: true } satisfies Packet);
    this.destroy(error);
  }

  setIdleTimeout(ms: number, onIdle: () => void): void {
    this.#idle.set(ms, onIdle);
  }

  release(): MessagePort {
    this.#port.removeEventListener('message', this.#onMessage);
    this.#port.removeEventListener('close', this.#onPortClosed);
    return this.#port; // (a complete transport would post `unread` back to itself first)
  }

  readonly #onMessage = ({ data: packet }: MessageEvent<Packet>): void => {
    if ('data' in packet) this.#held.push(packet.data);
    else if ('end' in packet) this.#held.push('end');
    else if ('ack' in packet) this.#acknowledged(packet.ack);
    else this.destroy(Object.assign(new Error('the other side reset the connection'), { code: 'ECONNRESET' }));
    this.#deliver();
  };

  readonly #onPortClosed = (): void => {
    if (!this.closed) this.destroy(Object.assign(new Error('the other side went away'), { code: 'ECONNRESET' }));
  };

  /** Hands what is held to the connection while it reads; `events.data` may pause it again at once. */
  #deliver(): void {
    while (!this.#paused && !this.destroyed && this.#held.length > 0) {
      const next = this.#held.shift() as Uint8Array | 'end';
      if (next === 'end') {
        this.readableEnded = true;
        this.#events?.end();
        if (this.writableFinished) this.#close();
        return;
      }
      this.bytesIn += next.byteLength;
      this.#idle.touch();
      this.#port.postMessage({ ack: next.byteLength } satisfies Packet);
      this.#events?.data(next);
    }
  }

  #acknowledged(bytes: number): void {
    const waiting = this.unsentBytes >= WINDOW;
    this.unsentBytes -= bytes;
    if (waiting && this.unsentBytes < WINDOW) this.#events?.drain();
  }

  #close(): void {
    if (this.closed) return;
    this.destroyed = this.closed = true;
    this.#idle.cancel();
    this.release();
    this.#port.close();
    this.#events?.close();
  }
}

// Two connections, one on each end of a channel. In a real program one end would be posted to a worker
// (`worker.postMessage(port2, [port2])`) and the worker would call fromTransport() on its own side.
const { port1, port2 } = new MessageChannel();
const mainTransport = new MessagePortTransport(port1);
const main = fromTransport(mainTransport);
const worker = fromTransport(new MessagePortTransport(port2), { readCapacity: 16 * 1024 });

interface Job {
  id: number;
  numbers: number[];
}
interface Result {
  id: number;
  sum: number;
}

// The "worker": reads jobs as JSON lines, answers each, and ends when the main side does.
const working = (async () => {
  const io = worker.framed(json<Job | Result>());
  for await (const job of io as AsyncIterable<Job>) {
    await io.write({ id: job.id, sum: job.numbers.reduce((a, b) => a + b, 0) });
  }
  await io.closeWrite();
})();

// The main side: 1,000 jobs, far more than the window, so writes wait for the worker's acknowledgements.
const io = main.framed(json<Job | Result>());
const JOBS = 1000;
const sending = (async () => {
  for (let id = 1; id <= JOBS; id++) {
    await io.write({ id, numbers: Array.from({ length: 20 }, (_, i) => id * i) });
  }
  await io.closeWrite(); // half-close: the worker's loop ends once it has read everything
})();
let answered = 0;
let total = 0;
for await (const result of io as AsyncIterable<Result>) {
  answered++;
  total += result.sum;
}
await Promise.all([sending, working]);
await main.closed;
await worker.closed;

console.log(`${answered} of ${JOBS} jobs answered over a MessagePort, sums adding up to ${total}`);
console.log(`main sent ${main.counters.bytesOut} bytes, the worker read ${worker.counters.bytesIn}`);
console.log(`main's writes waited for the worker's acknowledgements ${mainTransport.waits} times`);
console.log(`both ends closed: ${main.destroyed && worker.destroyed}`);
if (answered !== JOBS || total !== 190 * ((JOBS * (JOBS + 1)) / 2)) process.exitCode = 1;
