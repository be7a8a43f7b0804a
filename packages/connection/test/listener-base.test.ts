/**
 * `@sluice/connection/transport` is enough to write a transport's listener:
 * a ListenerBase over in-memory transports (no Node socket) accepts, serves,
 * counts, closes once and iterates as `@sluice/net`'s and `@sluice/ws`'s
 * listeners do; an IdleTimer fires once nothing touches it.
 */
import type { Connection } from '@sluice/connection';
import { AcceptQueue, fromTransport, IdleTimer, ListenerBase } from '@sluice/connection/transport';
import { describe, expect, it } from 'vitest';
import { memoryPair } from './support/memory-transport.js';

/** A listener whose "server" is a function that opens an in-memory pair and keeps the server end. */
class MemoryListener extends ListenerBase<Connection<string>> {
  stops = 0;
  readonly #accepted: AcceptQueue<Connection<string>>;

  constructor(accepted = new AcceptQueue<Connection<string>>(2)) {
    super({ path: 'memory' }, accepted);
    this.#accepted = accepted;
  }

  /** A client connects: its server end is accepted, or refused when there is no room. */
  dial(): Connection<string> {
    const [client, server] = memoryPair();
    const conn = fromTransport(server);
    if (!this.listening || !this.#accepted.hasRoom) {
      this.#accepted.refuse({
        protocol: 'memory',
        reason: this.listening ? 'acceptCapacity' : 'closing',
        remoteAddress: undefined,
      });
      conn.destroy();
    } else {
      this.#accepted.push(conn);
    }
    return fromTransport(client);
  }

  protected override async stop(): Promise<void> {
    this.stops++;
  }
}

describe('ListenerBase', () => {
  it('accepts, counts, refuses past acceptCapacity, and closes once', async () => {
    const listener = new MemoryListener();
    expect(listener.port).toBeUndefined();
    expect(listener.address).toEqual({ path: 'memory' });
    const clients = [listener.dial(), listener.dial(), listener.dial()];
    expect(listener.counters).toMatchObject({ accepted: 2, refused: 1, open: 2 });
    const first = await listener.accept();
    await first?.write('hi');
    const closing = listener.close();
    expect(listener.close()).toBe(closing);
    expect(listener.listening).toBe(false);
    await closing;
    await listener.closed;
    expect(listener.stops).toBe(1);
    await expect(listener.accept()).resolves.toBeUndefined();
    for (const client of clients) client.destroy();
    first?.destroy();
  });

  it('serve() runs the handler per connection, and leaving a for await early closes the listener', async () => {
    const listener = new MemoryListener();
    const client = listener.dial();
    const handled: Connection<string>[] = [];
    const served = listener.serve(async (conn) => {
      handled.push(conn);
      client.destroy();
      await listener.close();
    });
    await expect(served).resolves.toMatchObject({ served: 1, failed: 0 });
    expect(handled).toHaveLength(1);

    const other = new MemoryListener();
    other.dial();
    for await (const conn of other) {
      conn.destroy();
      break;
    }
    await other.closed;
    expect(other.listening).toBe(false);
    expect(other.stops).toBe(1);
  });
});

describe('IdleTimer', () => {
  it('calls onIdle once nothing touches it; set(0) turns it off', async () => {
    const off = new IdleTimer();
    let calls = 0;
    off.set(1, () => calls++);
    off.set(0, () => calls++);
    const timer = new IdleTimer();
    await new Promise<void>((resolve) => {
      timer.set(2, resolve);
      timer.touch();
    });
    expect(calls).toBe(0); // the 1 ms wait, due first, was turned off
  });
});
