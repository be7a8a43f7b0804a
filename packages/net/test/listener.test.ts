import { once } from 'node:events';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lines } from '@sluice/codec';
import { type Connection, connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { handlesSettleTo, socketHandles } from '../../../test-support/handles.js';
import { within } from '../../../test-support/waits.js';
import { readAll } from './support/read-all.js';
import * as certs from './support/tls.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Echoes every chunk back until the peer ends. */
async function echo(conn: Connection): Promise<void> {
  for await (const chunk of conn) await conn.write(chunk);
}

/** Sends `message`, half-closes, and returns everything the server answered. */
async function roundTrip(options: Parameters<typeof connect>[0], message: string): Promise<string> {
  const conn = await connect(options);
  await conn.write(message);
  await conn.closeWrite();
  return text(await readAll(conn));
}

describe('listen', () => {
  it('binds port 0 on loopback and reports the chosen address', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    expect(listener.address).toMatchObject({ host: '127.0.0.1', family: 'IPv4' });
    expect('port' in listener.address && listener.address.port).toBeGreaterThan(0);
    expect(listener.port).toBe('port' in listener.address ? listener.address.port : -1);
  });

  it('passes EADDRINUSE through', async () => {
    await using first = await listen({ host: '127.0.0.1', port: 0 });
    const port = 'port' in first.address ? first.address.port : 0;
    await expect(listen({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('hands out connections to a for-await loop, and leaving the loop closes the listener', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const client = (async () => {
      await using conn = await connect(listener.address);
      return text(await readAll(conn.reader()));
    })();
    for await (const conn of listener) {
      await conn.write('welcome');
      await conn.close();
      break;
    }
    expect(listener.listening).toBe(false);
    expect(await client).toBe('welcome');
    await expect(connect(listener.address)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('listener.accept', () => {
  it('rejects with an AbortError when its signal aborts, and the listener keeps accepting', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const waiting = listener.accept({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    const next = listener.accept();
    await using client = await connect(listener.address);
    await using conn = (await next)!;
    expect(conn.remoteAddress).toMatchObject({
      port: client.localAddress && 'port' in client.localAddress ? client.localAddress.port : -1,
    });
  });
});

describe('listener.serve', () => {
  it('serves many clients at once, each getting its own bytes back', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(echo);
    const messages = Array.from({ length: 100 }, (_, i) => `client ${i} `.repeat(i + 1));
    const answers = await Promise.all(messages.map((message) => roundTrip(listener.address, message)));
    expect(answers).toEqual(messages);
    await listener.close();
    await served;
  });

  it('a throwing handler closes only its own connection and is reported through onError', async () => {
    const errors: unknown[] = [];
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(
      async (conn) => {
        const first = text((await conn.reader()[Symbol.asyncIterator]().next()).value ?? new Uint8Array());
        if (first.startsWith('boom')) throw new Error(`handler failed on ${first}`);
        await conn.write(first);
        await echo(conn);
      },
      { onError: (error) => errors.push(error) },
    );
    const [bad, good] = await Promise.all([roundTrip(listener.address, 'boom'), roundTrip(listener.address, 'fine')]);
    expect(bad).toBe('');
    expect(good).toBe('fine');
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('handler failed on boom');
    // The server still works after the failure.
    expect(await roundTrip(listener.address, 'again')).toBe('again');
    await listener.close();
    await served;
  });

  it('refuses connections past maxConnections at once while the others keep working', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, maxConnections: 2 });
    const served = listener.serve(echo);
    const held = await Promise.all([connect(listener.address), connect(listener.address)]);
    await held[0]!.write('x');
    await held[1]!.write('y');
    // Both held connections have been accepted once their echo arrives.
    for (const conn of held) await conn.reader()[Symbol.asyncIterator]().next();
    const excess = await connect(listener.address);
    const outcome = await readAll(excess).then(
      (bytes) => `ended with ${bytes.byteLength} bytes`,
      (error: { code?: string }) => error.code,
    );
    expect(['ended with 0 bytes', 'ECONNRESET']).toContain(outcome);
    expect(listener.counters.refused).toBeGreaterThanOrEqual(1);
    await held[0]!.write('still here');
    expect(text((await held[0]!.reader()[Symbol.asyncIterator]().next()).value!)).toBe('still here');
    for (const conn of held) await conn.closeWrite();
    await Promise.all(held.map((conn) => readAll(conn)));
    await listener.close();
    await served;
  });

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

  it('keeps to its concurrency and counts right when a handler throws before its first await', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    let calls = 0;
    let running = 0;
    let mostAtOnce = 0;
    const served = listener.serve(
      (conn) => {
        if (calls++ === 0) throw new Error('refused at once'); // synchronously, not a rejected promise
        return (async () => {
          running++;
          mostAtOnce = Math.max(mostAtOnce, running);
          await readAll(conn);
          await conn.write('done');
          running--;
        })();
      },
      { concurrency: 1, onError: () => {} },
    );
    const answers = await Promise.all(Array.from({ length: 5 }, () => roundTrip(listener.address, 'hi')));
    expect(answers.filter((answer) => answer === 'done')).toHaveLength(4);
    expect(mostAtOnce).toBe(1);
    await listener.close();
    await expect(served).resolves.toEqual({ served: 4, failed: 1, cut: 0 });
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

  it('serves over IPC (a Unix socket path)', async () => {
    const path = join(tmpdir(), `sluice-${process.pid}-${Date.now()}.sock`);
    const listener = await listen({ path });
    expect(listener.address).toEqual({ path });
    const served = listener.serve(echo);
    expect(await roundTrip({ path }, 'over ipc')).toBe('over ipc');
    await listener.close();
    await served;
  });
});

describe('TLS', () => {
  it('serves TLS with a certificate the client trusts, with hostname checks on', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, tls: certs.server });
    const served = listener.serve(echo);
    const port = 'port' in listener.address ? listener.address.port : 0;
    expect(await roundTrip({ host: 'localhost', port, tls: { ca: certs.ca } }, 'secret')).toBe('secret');
    // Without the CA the client refuses the server, saying why.
    await expect(connect({ host: 'localhost', port, tls: true })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    await listener.close();
    await served;
  });

  it('mutual TLS refuses a client without a valid certificate and accepts one with it', async () => {
    const failures: Error[] = [];
    const listener = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: { ...certs.server, ca: certs.ca, requestCert: true, rejectUnauthorized: true },
      onClientError: (error) => failures.push(error),
    });
    const served = listener.serve(echo);
    const port = 'port' in listener.address ? listener.address.port : 0;
    const target = { host: 'localhost', port };
    expect(await roundTrip({ ...target, tls: { ca: certs.ca, ...certs.client } }, 'trusted')).toBe('trusted');
    const refused = (options: object) =>
      roundTrip({ ...target, tls: { ca: certs.ca, ...options } }, 'let me in').then(
        (answer) => `answered ${JSON.stringify(answer)}`,
        (error: { code?: string }) => error.code ?? 'error',
      );
    expect(await refused({})).not.toBe('answered "let me in"');
    expect(await refused(certs.rogue)).not.toBe('answered "let me in"');
    expect(listener.counters.handshakeFailures).toBeGreaterThanOrEqual(2);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    await listener.close();
    await served;
  });
});

describe('resources', () => {
  it('releases every socket and server handle once all is closed', async () => {
    const before = socketHandles();
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(echo);
    await Promise.all(Array.from({ length: 20 }, (_, i) => roundTrip(listener.address, `n${i}`)));
    const plain = new net.Socket();
    plain.connect('port' in listener.address ? listener.address.port : 0, '127.0.0.1');
    await once(plain, 'connect');
    plain.destroy();
    await listener.close();
    await served;
    expect(await handlesSettleTo(before)).toBe(before);
  });
});

describe('serve() at the edges', () => {
  it('an onError that throws is contained: the server and its other connections carry on', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const reported: unknown[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => void reported.push(args);
    try {
      const listener = await listen({ host: '127.0.0.1', port: 0 });
      const served = listener.serve(
        async (conn) => {
          const said = new TextDecoder().decode(await readAll(conn.reader({ keepOpen: true })));
          if (said === 'fail') throw new Error('handler failed');
          await conn.write('ok');
        },
        {
          onError: () => {
            throw new Error('onError itself throws');
          },
        },
      );
      const failing = await connect(listener.address);
      await failing.write('fail');
      await failing.closeWrite();
      await failing.closed;
      const fine = await connect(listener.address);
      await fine.write('fine');
      await fine.closeWrite();
      expect(new TextDecoder().decode(await readAll(fine))).toBe('ok');
      await listener.close();
      await served;
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(reported.length).toBe(1); // both errors told once, through the default reporter
    } finally {
      process.off('unhandledRejection', onUnhandled);
      console.error = originalError;
    }
  });

  it('after serve() has finished, serve() and accept() answer as on any closed listener', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(async () => {});
    await listener.close();
    await served;
    await expect(listener.accept()).resolves.toBeUndefined();
    await expect(listener.serve(async () => {})).resolves.toEqual({ served: 0, failed: 0, cut: 0 });
  });
});
