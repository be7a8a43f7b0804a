/**
 * A listener survives what any client may send before it is a WebSocket:
 * arbitrary request targets (`//[`, `http://[::1`) and headers, written by a
 * raw TCP peer, are answered (400 for a target that is no URL path) and the
 * listener goes on serving; an `origin` function that throws refuses that
 * client only (403), its error published with the refusal; a `path` that is
 * no URL path is refused by `listen()` itself.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import net from 'node:net';
import { type ConnectionRefusedMessage, channels } from '@sluice/connection';
import { connect, listen, messages, type WebSocketListener } from '@sluice/ws';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { within } from '../../../test-support/waits.js';
import { rejectionOf } from './support/peers.js';

const runs = Number(process.env.FC_NUM_RUNS ?? 100);

/** Writes `request` on a raw TCP connection; resolves with the response's status line ('' if none came). */
async function send(port: number, request: string): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(request, 'latin1');
  let response = '';
  socket.on('data', (chunk: Buffer) => {
    response += chunk.toString('latin1');
    if (response.includes('\r\n')) socket.destroy(); // the status line is all we look at (a 101 would stay open)
  });
  await within(once(socket, 'close'), 5000, `an answer to ${JSON.stringify(request.slice(0, 80))}`);
  return response.split('\r\n')[0] ?? '';
}

/** An upgrade request for `target` with the usual handshake headers, then `headers`. */
function upgrade(target: string, headers: [string, string][] = []): string {
  const lines = [
    `GET ${target} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...headers.map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A round trip through an echo listener: it still serves. */
async function stillServes(listener: WebSocketListener, path: string): Promise<void> {
  await using conn = await connect(`ws://127.0.0.1:${listener.port}${path}`);
  const io = conn.framed(messages());
  await io.write(Uint8Array.of(1, 2, 3));
  expect([...((await within(io.read(), 5000, 'the echo')) ?? [])]).toEqual([1, 2, 3]);
}

async function echoListener(options: Parameters<typeof listen>[0]): Promise<WebSocketListener> {
  const listener = await listen(options);
  void listener.serve(
    async (conn) => {
      const io = conn.framed(messages());
      for await (const message of io) await io.write(message);
    },
    { onError: () => {} }, // raw peers that got their 101 hang up without a close frame
  );
  return listener;
}

const BAD_TARGETS = ['//[', 'http://[::1', '//[::1', 'http://[', '//x:99999/chat', 'http://a b/', '//%', '\\\\['];
/** Bytes a request line or header may carry as Node's parser reads them (no CR, LF or NUL). */
const text = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});
const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,20}$/);

describe('a WebSocket listener facing hostile upgrade requests', () => {
  it('answers a request target that is no URL path with 400, and keeps serving', async () => {
    await using listener = await echoListener({ host: '127.0.0.1', port: 0, path: '/chat' });
    for (const target of BAD_TARGETS) {
      const status = await send(listener.port as number, upgrade(target));
      expect(status, target).toMatch(/^HTTP\/1\.1 (400|404)/);
    }
    expect(await send(listener.port as number, upgrade('//['))).toBe('HTTP/1.1 400 Bad Request');
    expect(listener.counters.handshakeFailures).toBeGreaterThan(0);
    await stillServes(listener, '/chat');
  });

  it('property: any request target and headers are answered, and the listener still serves', async () => {
    await using listener = await echoListener({ host: '127.0.0.1', port: 0, path: '/chat' });
    const target = fc.oneof(fc.constantFrom(...BAD_TARGETS, '/chat', '/chat?x=1', '*'), text);
    const headers = fc.array(
      fc.tuple(fc.oneof(token, fc.constantFrom('Origin', 'Host', 'Upgrade', 'Connection', 'Sec-WebSocket-Key')), text),
      { maxLength: 6 },
    );
    await fc.assert(
      fc.asyncProperty(target, headers, async (t, h) => {
        const status = await send(listener.port as number, upgrade(t, h));
        // Answered or dropped, never left hanging; the process is still up to check it.
        expect(status === '' || status.startsWith('HTTP/1.1 ')).toBe(true);
      }),
      { numRuns: runs },
    );
    expect(listener.listening).toBe(true);
    await stillServes(listener, '/chat');
  });

  it('refuses with 403 a client whose origin function throws, publishes the error, and keeps serving', async () => {
    const refused: ConnectionRefusedMessage[] = [];
    const onRefused = (message: unknown) => refused.push(message as ConnectionRefusedMessage);
    subscribe(channels.refused, onRefused);
    try {
      const failure = new Error('origin is undefined for non-browser clients');
      await using listener = await echoListener({
        host: '127.0.0.1',
        port: 0,
        origin: (origin) => {
          if (origin === undefined) throw failure;
          return origin === 'https://good.example';
        },
      });
      const error = await rejectionOf(connect(`ws://127.0.0.1:${listener.port}/`));
      expect(error).toMatchObject({ code: 'ERR_WS_UPGRADE_REFUSED', status: 403 });
      expect(refused).toEqual([expect.objectContaining({ reason: 'origin', error: failure })]);
      expect(listener.counters.refused).toBe(1);
      const conn = await connect(`ws://127.0.0.1:${listener.port}/`, { headers: { origin: 'https://good.example' } });
      const io = conn.framed(messages());
      await io.write(Uint8Array.of(7));
      expect([...((await within(io.read(), 5000, 'the echo')) ?? [])]).toEqual([7]);
      await conn.close();
    } finally {
      unsubscribe(channels.refused, onRefused);
    }
  });

  it('listen() refuses a path that does not start with / (ERR_INVALID_ARG), which would answer every client 404', async () => {
    for (const path of ['chat', 'ws://x/chat', '']) {
      await expect(listen({ host: '127.0.0.1', port: 0, path })).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG',
        message: expect.stringMatching(/^listen\(\): path must /),
      });
    }
    await expect(listen({ host: '127.0.0.1', port: 0, path: 'chat' })).rejects.toThrow(
      `listen(): path must start with '/', got "chat"`,
    );
  });
});
