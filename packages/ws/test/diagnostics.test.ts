/**
 * Diagnostics over WebSocket: the same channels as TCP, with `'ws'` as the
 * protocol, refusals with their reason, and a peer shed by the heartbeat.
 */
import diagnostics from 'node:diagnostics_channel';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { lines } from '@sluice/codec';
import {
  type ConnectionCloseMessage,
  type ConnectionOpenMessage,
  type ConnectionRefusedMessage,
  type ConnectionShedMessage,
  channels,
} from '@sluice/connection';
import { connect, listen, UpgradeRefusedError } from '@sluice/ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { within } from '../../../test-support/waits.js';

const unsubscribes: (() => void)[] = [];
afterEach(() => {
  for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
});

/** Collects the messages of one channel; `next(n)` waits until `n` have arrived. */
function collect<T>(name: string) {
  const messages: T[] = [];
  let wake: (() => void) | undefined;
  const onMessage = (message: unknown) => {
    messages.push(message as T);
    wake?.();
  };
  diagnostics.subscribe(name, onMessage);
  unsubscribes.push(() => diagnostics.unsubscribe(name, onMessage));
  const atLeast = async (n: number) => {
    while (messages.length < n) await new Promise<void>((resolve) => (wake = resolve));
    return messages;
  };
  return { messages, atLeast };
}

describe('@sluice/ws diagnostics', () => {
  it('publishes open and close for both ends with protocol ws, and refusals with their reason', async () => {
    const opened = collect<ConnectionOpenMessage>(channels.open);
    const closed = collect<ConnectionCloseMessage>(channels.close);
    const refused = collect<ConnectionRefusedMessage>(channels.refused);
    await using listener = await listen({ host: '127.0.0.1', port: 0, path: '/chat', maxConnections: 1 });
    const served = listener.serve(async (conn) => {
      const io = conn.framed(lines());
      for await (const line of io) await io.write(line);
    });
    const conn = await connect(`ws://127.0.0.1:${listener.port}/chat`);
    const io = conn.framed(lines());
    await io.write('hi');
    const reader = io[Symbol.asyncIterator]();
    expect((await reader.next()).value).toBe('hi');
    // The one slot is taken: 503, reason maxConnections; another path: 404, reason path.
    await expect(connect(`ws://127.0.0.1:${listener.port}/chat`)).rejects.toBeInstanceOf(UpgradeRefusedError);
    await expect(connect(`ws://127.0.0.1:${listener.port}/other`)).rejects.toMatchObject({ status: 404 });
    expect((await within(refused.atLeast(2), 5000, 'two refusals')).map((m) => m.reason)).toEqual([
      'maxConnections',
      'path',
    ]);
    expect(refused.messages[0]?.protocol).toBe('ws');
    await io.closeWrite();
    await reader.next();
    await within(closed.atLeast(2), 5000, 'both ends closed');
    expect(opened.messages.map((m) => `${m.protocol} ${m.side}`).sort()).toEqual(['ws client', 'ws server']);
    expect(closed.messages.every((m) => m.error === undefined && m.counters.framesIn === 1)).toBe(true);
    expect(listener.counters).toMatchObject({ accepted: 1, refused: 2, open: 0, closed: 1, framesIn: 1 });
    await listener.close();
    await served;
  });

  it('a peer that stops answering pings is published as shed, then closed with the same error', async () => {
    const shed = collect<ConnectionShedMessage>(channels.shed);
    const closed = collect<ConnectionCloseMessage>(channels.close);
    await using listener = await listen({ host: '127.0.0.1', port: 0, heartbeat: 50 });
    const served = listener.serve(
      async (conn) => {
        for await (const _ of conn) {
          // a silent peer: nothing arrives
        }
      },
      { onError: () => {} },
    );
    const silent = new WebSocket(`ws://127.0.0.1:${listener.port}`, { autoPong: false });
    await once(silent, 'open');
    const [message] = await within(shed.atLeast(1), 5000, 'the heartbeat to shed the peer');
    expect(message?.error).toMatchObject({ code: 'ERR_WS_ABNORMAL_CLOSE', closeCode: 1006 });
    const [close] = await within(closed.atLeast(1), 5000, 'the close');
    expect(close?.connection).toBe(message?.connection);
    expect(close?.error).toBe(message?.error);
    expect(listener.counters).toMatchObject({ unresponsive: 1, errors: { ERR_WS_ABNORMAL_CLOSE: 1 } });
    silent.terminate();
    await listener.close();
    await served;
  });

  describe('the opening handshake has handshakeTimeout to finish (TLS, then the upgrade request)', () => {
    const fixture = (name: string) => readFileSync(new URL(`../../net/test/fixtures/${name}`, import.meta.url));

    /** A raw TCP client of `port` that writes `sent` and resolves with what it got once the server closes it. */
    async function stalled(port: number, sent: string) {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('error', () => {});
      await once(socket, 'connect');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.write(sent);
      const started = performance.now();
      await within(once(socket, 'close'), 5000, 'the server dropping the stalled client');
      return { answer: Buffer.concat(chunks).toString(), after: performance.now() - started };
    }

    it('a wss client silent after connecting is dropped, counted and published as a HandshakeError', async () => {
      const refused = collect<ConnectionRefusedMessage>(channels.refused);
      await using listener = await listen({
        host: '127.0.0.1',
        port: 0,
        tls: { key: fixture('server.key'), cert: fixture('server.crt') },
        handshakeTimeout: 200,
      });
      const { after } = await stalled(listener.port!, '');
      expect(after).toBeLessThan(2000);
      const [message] = await within(refused.atLeast(1), 5000, 'the refusal');
      expect(message).toMatchObject({ protocol: 'wss', reason: 'handshake' });
      expect(message!.error).toMatchObject({ name: 'HandshakeError', code: 'ERR_TLS_HANDSHAKE' });
      expect(listener.counters).toMatchObject({ handshakeFailures: 1, accepted: 0 });
    });

    it('an upgrade request dribbled header by header is answered 408 and dropped, not held for 60 s', async () => {
      const refused = collect<ConnectionRefusedMessage>(channels.refused);
      await using listener = await listen({ host: '127.0.0.1', port: 0, handshakeTimeout: 300 });
      const { answer, after } = await stalled(listener.port!, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: web');
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(after).toBeLessThan(3000);
      const [message] = await within(refused.atLeast(1), 5000, 'the refusal');
      expect(message).toMatchObject({ protocol: 'ws', reason: 'handshake' });
      expect(message!.error).toMatchObject({ code: 'ERR_HTTP_REQUEST_TIMEOUT' });
      expect(listener.counters).toMatchObject({ handshakeFailures: 1, accepted: 0 });
    });

    it('refuses a handshakeTimeout that is not a whole number of milliseconds from 1', async () => {
      for (const handshakeTimeout of [0, -1, 1.5, Number.NaN])
        await expect(listen({ host: '127.0.0.1', port: 0, handshakeTimeout })).rejects.toMatchObject({
          code: 'ERR_OUT_OF_RANGE',
        });
      await expect(listen({ host: '127.0.0.1', port: 0, handshakeTimeout: '5s' as never })).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG',
      });
    });
  });
});
