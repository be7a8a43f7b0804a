/**
 * How @sluice/net's listener.serve() shuts down when its signal aborts, over
 * real loopback sockets: closing waits for running handlers, shutdownTimeout
 * bounds the wait (even for a handler waiting on something else than its
 * connection), and serve() resolves with the handlers served, failed and cut.
 */
import { lines } from '@sluice/codec';
import { connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { within } from '../../../test-support/waits.js';
import { readAll } from './support/read-all.js';

describe('listener.serve', () => {
  it('shuts down gracefully: closing waits for running handlers, shutdownTimeout bounds the wait', async () => {
    const controller = new AbortController();
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const served = listener.serve(
      async (conn) => {
        started();
        for await (const _ of conn) {
          // A handler that never finishes on its own: the client keeps its connection open.
        }
      },
      { signal: controller.signal, shutdownTimeout: 50 },
    );
    const client = await connect(listener.address);
    await client.write('hi');
    await handlerStarted;
    controller.abort();
    await served;
    expect(listener.listening).toBe(false);
    await expect(readAll(client)).resolves.toBeInstanceOf(Uint8Array);
  });

  it('reports what a shutdown cut: serve() resolves with handlers served, failed and cut', async () => {
    const controller = new AbortController();
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const arrived: string[] = [];
    let allArrived!: () => void;
    const everyoneIn = new Promise<void>((resolve) => (allArrived = resolve));
    const served = listener.serve(
      async (conn, { signal }) => {
        const io = conn.framed(lines());
        for await (const line of io) {
          arrived.push(line);
          if (arrived.length === 4) allArrived();
          if (line === 'finish') return; // served
          if (line === 'fail') throw new Error('handler failed');
          if (line === 'polite') {
            // Finishes as soon as the shutdown is announced: served, not cut.
            if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve));
            return;
          }
          // 'stubborn': ignores the shutdown and keeps reading until cut.
        }
      },
      { signal: controller.signal, shutdownTimeout: 100, onError: () => {} },
    );
    const clients = await Promise.all(['finish', 'fail', 'polite', 'stubborn'].map(() => connect(listener.address)));
    // Each client closes its end once the server has closed its own, as a well-behaved peer does.
    const closedByServer = clients.map((client) =>
      readAll(client).then(
        () => client.close(),
        () => {},
      ),
    );
    await Promise.all(['finish', 'fail', 'polite', 'stubborn'].map((line, i) => clients[i]?.write(`${line}\n`)));
    await everyoneIn;
    controller.abort();
    await expect(served).resolves.toEqual({ served: 2, failed: 1, cut: 1 });
    await Promise.all(closedByServer);
  });

  it('shutdownTimeout bounds serve() even when a handler waits on something other than its connection', async () => {
    const controller = new AbortController();
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const served = listener.serve(
      async () => {
        started();
        await new Promise(() => {}); // a reply that never comes, from another service
      },
      { signal: controller.signal, shutdownTimeout: 50 },
    );
    const client = await connect(listener.address);
    await handlerStarted;
    controller.abort();
    await expect(within(served, 5000, 'serve() to resolve')).resolves.toEqual({ served: 0, failed: 0, cut: 1 });
    // The cut connection was destroyed: the client sees its end.
    await expect(readAll(client)).resolves.toBeInstanceOf(Uint8Array);
  });
});
