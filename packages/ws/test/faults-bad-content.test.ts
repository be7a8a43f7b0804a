/**
 * WebSocket peers that send content that does not decode, over real loopback
 * sockets: invalid UTF-8 in a text message (from a plain `ws` client or
 * server), and in a binary one, invalid JSON, an oversized length prefix or an
 * overlong line for the codec of the connection. Each fault must reach the
 * code waiting on that connection as a coded error (any good frames first),
 * close that connection, and leave the listener and every other connection
 * working; no socket may be left behind.
 */
import { json, lengthPrefixed, lines } from '@sluice/codec';
import { connect, messages } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { bytes } from '../../../test-support/chunking.js';
import { checkHandlesReleased } from '../../../test-support/handles.js';
import { signal, within } from '../../../test-support/waits.js';
import { echoServer, plainClient, session, url } from './support/echo.js';
import { MiB } from './support/faults.js';
import { rejectionOf } from './support/peers.js';

checkHandlesReleased(); // after every fault, every socket and server handle is released

describe('invalid UTF-8 in a text message', () => {
  const invalid = Uint8Array.of(0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d); // {"Ã("} with a broken sequence

  it('from a plain ws client: ws refuses it with 1007, the handler gets ERR_WS_CLOSED (1007) after the good values', async () => {
    const server = await echoServer(json({ framing: messages() }));
    const other = await session(server.url, json({ framing: messages() }));
    const bad = await plainClient(server.url);
    bad.ws.send('{"ok":1}');
    expect(JSON.parse(String((await bad.next()).data))).toEqual({ ok: 1 });
    bad.ws.send(invalid, { binary: false }); // ws sends what it is given: a text message that is not UTF-8
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_WS_CLOSED', closeCode: 1007 });
    expect((await bad.closed).code).toBe(1007);
    expect(bad.messages).toHaveLength(1);
    expect(await other.roundTrip({ still: 'here' })).toEqual({ still: 'here' });
    await other.finish();
    await server.stop();
  });

  it('the same bytes in a binary message are the codec’s business: lines({ fatal: true }) refuses with ERR_DECODE', async () => {
    const server = await echoServer(lines({ fatal: true }));
    const bad = await plainClient(server.url);
    bad.ws.send(bytes('good\n'));
    expect(String((await bad.next()).data)).toBe('good\n');
    bad.ws.send(Buffer.concat([invalid, bytes('\n')]));
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_DECODE' });
    // Destroyed at once: no close frame, the peer sees an abnormal close.
    expect((await bad.closed).code).toBe(1006);
    await server.stop();
  });

  it('from a plain ws server: a Sluice client gets the good values, then ERR_WS_CLOSED (1007), and the server hears 1007', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await within(new Promise((resolve) => wss.once('listening', resolve)), 5000, 'listening');
    const peerClosed = signal<number>();
    wss.on('connection', (ws) => {
      ws.on('close', (code) => peerClosed.resolve(code));
      ws.send('{"n":1}\n{"n":2}\n');
      ws.send(invalid, { binary: false });
    });
    const conn = await connect(url((wss.address() as { port: number }).port));
    const got: unknown[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const value of conn.framed(json())) got.push(value);
      })(),
    );
    expect(error).toMatchObject({ code: 'ERR_WS_CLOSED', closeCode: 1007 });
    expect(got).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await within(peerClosed.promise, 5000, 'the server seeing the close')).toBe(1007);
    await new Promise((resolve) => wss.close(resolve));
  });
});

describe('a peer that sends a bad frame for the codec', () => {
  it('an oversized length prefix: refused with ERR_FRAME_TOO_LONG on the header alone, destroyed; the listener and others carry on', async () => {
    const limited = lengthPrefixed({ maxFrameLength: MiB });
    const server = await echoServer(limited);
    const other = await session(server.url, limited);
    const bad = await plainClient(server.url);
    bad.ws.send(Uint8Array.of(0x7f, 0xff, 0xff, 0xff)); // 2 GiB announced, nothing else sent
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_FRAME_TOO_LONG', size: 0x7fff_ffff, limit: MiB });
    expect(server.failed[0]?.destroyed).toBe(true);
    expect((await bad.closed).code).toBe(1006); // destroyed at once, without a close frame
    expect(await other.roundTrip(bytes('carry on'))).toEqual(bytes('carry on'));
    await other.finish();
    expect(server.listener.counters).toMatchObject({ accepted: 2, refused: 0 });
    await server.stop();
  });

  it('invalid JSON in a message: the values before it are served, then ERR_DECODE with the parser error as cause', async () => {
    const server = await echoServer(json({ framing: messages() }));
    const bad = await plainClient(server.url);
    bad.ws.send('{"ok":1}');
    expect(String((await bad.next()).data)).toBe('{"ok":1}');
    bad.ws.send('{oops}');
    bad.ws.send('{"never":2}');
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_DECODE', cause: expect.any(SyntaxError) });
    await bad.closed;
    expect(bad.messages).toHaveLength(1);
    await server.stop();
  });

  it.each([
    ['invalid JSON', json(), '{"ok":1}\n{oops}\n', 'ERR_DECODE'],
    ['an overlong line', lines({ maxFrameLength: 10 }), `ok\n${'x'.repeat(20)}\n`, 'ERR_FRAME_TOO_LONG'],
  ])(
    '%s right behind a good frame in one message: the good frame is served and the error comes at once',
    async (_name, codec, data, code) => {
      const server = await echoServer(codec as ReturnType<typeof lines>);
      const bad = await plainClient(server.url);
      bad.ws.send(data); // and then the peer waits
      const [error] = await server.errors.reach(1, 1000);
      expect(error).toMatchObject({ code });
      await bad.closed;
      expect(bad.messages.map(({ data }) => String(data))).toEqual([data.slice(0, data.indexOf('\n') + 1)]);
      await server.stop();
    },
  );
});
