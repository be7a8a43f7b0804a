/**
 * Two in-memory transports joined back to back, with no Node socket: bytes
 * written on one end arrive at the other on a later macrotask. Each end holds
 * at most `bound` unsent bytes before `write()` asks the writer to wait, and
 * sends only while its peer reads (a paused end takes nothing), so
 * backpressure travels across as it does over TCP.
 */
import type { Transport, TransportEvents } from '@sluice/connection/transport';

interface End extends Transport<string> {
  /** The other end. */
  peer: End;
  /** Moves what this end may send to its peer. */
  pump(): void;
  deliver(chunk: Uint8Array): void;
  peerEnded(): void;
  paused: boolean;
}

export function memoryPair(bound = 1024): [Transport<string>, Transport<string>] {
  const a = memoryEnd('a', bound);
  const b = memoryEnd('b', bound);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

function memoryEnd(name: string, bound: number): End {
  let events: TransportEvents | undefined;
  const outgoing: Uint8Array[] = [];
  let unsent = 0;
  let ended = false;
  let finished = false;
  let destroyed = false;
  let closed = false;
  let scheduled = false;
  let bytesIn = 0;
  let bytesOut = 0;
  let peerDone = false;
  const close = (error?: Error) => {
    if (closed) return;
    destroyed = closed = true;
    setImmediate(() => {
      if (error !== undefined) events?.error(error);
      events?.close();
    });
  };
  const end: End = {
    peer: undefined as unknown as End,
    paused: true,
    remoteAddress: { path: `memory:${name === 'a' ? 'b' : 'a'}` },
    localAddress: { path: `memory:${name}` },
    get bytesIn() {
      return bytesIn;
    },
    get bytesOut() {
      return bytesOut;
    },
    get unsentBytes() {
      return unsent;
    },
    get destroyed() {
      return destroyed;
    },
    get closed() {
      return closed;
    },
    readableEnded: false,
    get writableEnded() {
      return ended;
    },
    get writableFinished() {
      return finished;
    },
    open(e) {
      events = e;
    },
    pause() {
      end.paused = true;
    },
    resume() {
      end.paused = false;
      end.peer.pump();
    },
    write(bytes) {
      outgoing.push(bytes.slice());
      unsent += bytes.byteLength;
      end.pump();
      return unsent < bound;
    },
    end() {
      ended = true;
      end.pump();
    },
    destroy(error) {
      close(error);
      end.peer.peerEnded();
    },
    reset(error) {
      end.destroy(error);
    },
    setIdleTimeout() {},
    release() {
      return name;
    },
    pump() {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        const wasFull = unsent >= bound;
        while (outgoing.length > 0 && !end.peer.paused && !destroyed) {
          const chunk = outgoing.shift() as Uint8Array;
          unsent -= chunk.byteLength;
          bytesOut += chunk.byteLength;
          end.peer.deliver(chunk);
        }
        if (wasFull && unsent < bound) events?.drain();
        if (ended && outgoing.length === 0 && !finished && !destroyed) {
          finished = true;
          events?.finish();
          end.peer.peerEnded();
          if (peerDone) close();
        }
      });
    },
    deliver(chunk) {
      bytesIn += chunk.byteLength;
      events?.data(chunk);
    },
    peerEnded() {
      if (peerDone) return;
      peerDone = true;
      setImmediate(() => {
        events?.end();
        if (finished || destroyed) close();
      });
    },
  };
  return end;
}
