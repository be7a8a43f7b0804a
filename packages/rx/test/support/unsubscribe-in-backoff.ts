/**
 * A process of its own for reconnect-option.test.ts: a reconnecting socket$
 * to a port nobody listens on, unsubscribed while its backoff waits (up to
 * 1000 s). It prints `unsubscribed`, and must then exit by itself: a timer
 * or socket left behind would keep it alive.
 */
import { once } from 'node:events';
import net from 'node:net';
import { lines } from '@sluice/codec';
import { socket$ } from '@sluice/rx';
import type { Subscription } from 'rxjs';

const probe = net.createServer().listen(0, '127.0.0.1');
await once(probe, 'listening');
const { port } = probe.address() as net.AddressInfo;
await new Promise((resolve) => probe.close(resolve));

let subscription: Subscription | undefined;
const client = socket$({
  host: '127.0.0.1',
  port,
  codec: lines(),
  reconnect: {
    initialDelay: 1_000_000,
    maxDelay: 1_000_000,
    // The wait begins once onRetry returns: unsubscribe in the next turn, during it.
    onRetry: () =>
      setImmediate(() => {
        subscription?.unsubscribe();
        console.log('unsubscribed');
      }),
  },
});
subscription = client.subscribe({ error: (error: unknown) => console.log('error', (error as Error).message) });
