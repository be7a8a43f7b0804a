/**
 * A TCP proxy over loopback that misbehaves on demand, between a client
 * and a server: each connection it accepts gets a fault chosen by the test
 * (from a seeded or fast-check choice), and the ones passing through can be
 * stalled or reset later. Real sockets throughout.
 *
 * - `'pass'`: forwards both ways to the target;
 * - `'drop'`: closes the client's connection at once, gracefully (FIN);
 * - `'reset'`: resets it at once (RST, `resetAndDestroy`);
 * - `'stall'`: accepts and then says nothing and forwards nothing: a
 *   half-open connection, as after a cable pulled or a NAT that forgot it.
 */
import { once } from 'node:events';
import net from 'node:net';

export type Fault = 'pass' | 'drop' | 'reset' | 'stall';
export const FAULTS: readonly Fault[] = ['pass', 'drop', 'reset', 'stall'];

interface Pair {
  client: net.Socket;
  upstream: net.Socket | undefined;
}

export interface FaultProxy {
  /** The proxy's port on 127.0.0.1. */
  readonly port: number;
  /** The faults given so far, one per accepted connection, in order. */
  readonly faults: readonly Fault[];
  /** Chooses the fault of each connection from now on (by its index, from 0). */
  choose(next: (index: number) => Fault): void;
  /** Stops forwarding on every open connection, both ways, and keeps them open: they go half-open. */
  stallAll(): void;
  /** Resets every open connection. */
  resetAll(): void;
  /** Stops accepting and destroys every connection. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1, port 0, to `targetPort` on 127.0.0.1. */
export async function startFaultProxy(
  targetPort: number,
  choose: (index: number) => Fault = () => 'pass',
): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  const faults: Fault[] = [];
  let chooser = choose;

  const server = net.createServer((client) => {
    const fault = chooser(faults.length);
    faults.push(fault);
    client.on('error', () => {});
    const pair: Pair = { client, upstream: undefined };
    pairs.add(pair);
    client.once('close', () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (fault === 'drop') client.end();
    else if (fault === 'reset') client.resetAndDestroy();
    else if (fault === 'stall') client.pause();
    else {
      const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
      pair.upstream = upstream;
      upstream.on('error', () => client.resetAndDestroy());
      upstream.once('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    faults,
    choose(next) {
      chooser = next;
    },
    stallAll() {
      for (const { client, upstream } of pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    resetAll() {
      for (const { client } of pairs) client.resetAndDestroy();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      await closed;
    },
  };
}
