/**
 * Two in-memory transports joined back to back, with no Node socket: bytes
 * written on one end arrive at the other on a later macrotask. Each end holds
 * at most `bound` unsent bytes before `write()` asks the writer to wait, and
 * takes at most `bound` bytes into its receive buffer, as a socket's
 * kernel buffers do. A paused end stops handing data to its connection (the
 * peer's end comes after the data), not taking it in: what was written is
 * sent, and `end()` finishes, whether or not the peer reads. Once the receive
 * buffer is full the sender keeps what follows, so backpressure travels
 * across as it does over TCP.
 */
import type { Transport, TransportEvents } from '@sluice/connection/transport';

interface End extends Transport<string> {
  /** The other end. */
  peer: End;
  /** Moves what this end may send into its peer's receive buffer. */
  pump(): void;
  /** Takes a chunk into the receive buffer; false when it is full (the sender keeps the chunk). */
  receive(chunk: Uint8Array): boolean;
  /** The peer ended its side: the end comes after what is in the receive buffer. */
  peerEnded(): void;
  /** Hands what was received to the connection while not paused, then the peer's end. */
  deliver(): void;
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
  const incoming: Uint8Array[] = [];
  let received = 0;
  let paused = true;
  let ended = false;
  let finished = false;
  let destroyed = false;
  let closed = false;
  let pumpScheduled = false;
  let deliveryScheduled = false;
  let bytesIn = 0;
  let bytesOut = 0;
  /** The peer's end is in the receive buffer, behind its data. */
  let peerEnd = false;
  /** The peer's end has been handed to the connection. */
  let peerDone = false;
  const close = (error?: Error) => {
    if (closed) return;
    destroyed = closed = true;
    incoming.length = 0;
    received = 0;
    setImmediate(() => {
      if (error !== undefined) events?.error(error);
      events?.close();
    });
  };
  const scheduleDelivery = () => {
    if (deliveryScheduled) return;
    deliveryScheduled = true;
    setImmediate(() => {
      deliveryScheduled = false;
      end.deliver();
    });
  };
  const end: End = {
    peer: undefined as unknown as End,
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
      paused = true;
    },
    resume() {
      paused = false;
      scheduleDelivery();
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
      if (pumpScheduled) return;
      pumpScheduled = true;
      setImmediate(() => {
        pumpScheduled = false;
        const wasFull = unsent >= bound;
        while (outgoing.length > 0 && !destroyed && end.peer.receive(outgoing[0] as Uint8Array)) {
          const chunk = outgoing.shift() as Uint8Array;
          unsent -= chunk.byteLength;
          bytesOut += chunk.byteLength;
        }
        end.peer.deliver();
        if (wasFull && unsent < bound) events?.drain();
        if (ended && outgoing.length === 0 && !finished && !destroyed) {
          finished = true;
          events?.finish();
          end.peer.peerEnded();
          if (peerDone) close();
        }
      });
    },
    receive(chunk) {
      if (destroyed) return true; // gone: what still arrives is dropped
      if (received >= bound) return false;
      incoming.push(chunk);
      received += chunk.byteLength;
      return true;
    },
    peerEnded() {
      if (peerEnd) return;
      peerEnd = true;
      scheduleDelivery();
    },
    deliver() {
      const wasFull = received >= bound;
      while (incoming.length > 0 && !paused && !destroyed) {
        const chunk = incoming.shift() as Uint8Array;
        received -= chunk.byteLength;
        bytesIn += chunk.byteLength;
        events?.data(chunk);
      }
      if (wasFull && received < bound) end.peer.pump();
      if (peerEnd && !peerDone && incoming.length === 0) {
        peerDone = true;
        setImmediate(() => {
          events?.end();
          if (finished || destroyed) close();
        });
      }
    },
  };
  return end;
}
