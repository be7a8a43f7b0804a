/**
 * Hostile and broken WebSocket peers over real loopback sockets, in both
 * directions: a plain `ws` client or server, or a raw TCP socket that speaks
 * the opening handshake and then writes whatever bytes it likes, misbehaves
 * against a Sluice server or client. Each fault must reach the code waiting on
 * that connection as a coded error (any good frames first), close that
 * connection, and leave the listener and every other connection working; no
 * socket may be left behind.
 */
import { once } from 'node:events';
import net from 'node:net';
import { json, lengthPrefixed, lines } from '@sluice/codec';
import { connect, listen, messages } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { bytes } from '../../../test-support/chunking.js';
import { checkHandlesReleased } from '../../../test-support/handles.js';
import { received } from '../../../test-support/raw-sockets.js';
import { ErrorLog, signal, stillPending, within } from '../../../test-support/waits.js';
import { echoServer, plainClient, session, url } from './support/echo.js';
import {
  closeCodeIn,
  closePayload,
  frame,
  OP,
  parseFrames,
  rawWebSocket,
  rawWebSocketServer,
  rejectionOf,
} from './support/peers.js';

const lp = lengthPrefixed();
/** The bytes of `frames` under the 4-byte length prefix. */
const lpWire = (...frames: Uint8Array[]) => Buffer.concat(frames.map((f) => lp.encoder().encode(f)));
const KiB = 1024;
const MiB = 1024 * KiB;

checkHandlesReleased(); // after every fault, every socket and server handle is released

describe('a peer that sends an oversized message', () => {
  it('a plain ws client over maxPayload: ERR_WS_MESSAGE_TOO_BIG (1009) for the handler, 1009 for the client; others carry on', async () => {
    const server = await echoServer(lines(), { maxPayload: 1024 });
    const other = await session(server.url, lines());
    const big = await plainClient(server.url);
    big.ws.send('fine\n');
    expect(String((await big.next()).data)).toBe('fine\n');
    big.ws.send(Buffer.alloc(1025, 0x61));
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG', closeCode: 1009 });
    expect((await big.closed).code).toBe(1009);
    expect(server.failed[0]?.destroyed).toBe(true);
    expect(await other.roundTrip('still here')).toBe('still here');
    const after = await session(server.url, lines());
    expect(await after.roundTrip('next')).toBe('next');
    await Promise.all([other.finish(), after.finish()]);
    expect(server.listener.counters).toMatchObject({ accepted: 3, refused: 0 });
    await server.stop();
  });

  it.each([
    ['over maxPayload', 1025n],
    ['over 2^53 - 1, which no JavaScript number holds', 2n ** 63n - 1n],
  ])(
    'a raw peer announcing a length %s is refused on the header alone with 1009, both ends agreeing',
    async (_name, length) => {
      const server = await echoServer(lp, { maxPayload: 1024 });
      const { socket, head } = await rawWebSocket(server.listener.port!);
      const outcome = received(socket, head);
      socket.write(frame(OP.binary, new Uint8Array(0), { length })); // the header, and no payload ever
      const [error] = await server.errors.reach(1);
      expect(error).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG', closeCode: 1009 });
      expect(closeCodeIn((await outcome).bytes)).toBe(1009);
      await server.stop();
    },
  );

  it('fragments each under maxPayload but over it together: 1009', async () => {
    const server = await echoServer(lp, { maxPayload: 1024 });
    const { socket, head } = await rawWebSocket(server.listener.port!);
    const outcome = received(socket, head);
    socket.write(frame(OP.binary, new Uint8Array(600), { fin: false }));
    socket.write(frame(OP.continuation, new Uint8Array(600), { fin: false }));
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG', closeCode: 1009 });
    expect(closeCodeIn((await outcome).bytes)).toBe(1009);
    await server.stop();
  });

  it('a message in too many fragments (ws keeps 16384): a policy violation, 1008, on both ends', async () => {
    const server = await echoServer(lp);
    const { socket, head } = await rawWebSocket(server.listener.port!);
    const outcome = received(socket, head);
    const empty = frame(OP.continuation, new Uint8Array(0), { fin: false });
    socket.write(Buffer.concat([frame(OP.binary, new Uint8Array(0), { fin: false }), ...Array(16_384).fill(empty)]));
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_WS_CLOSED', closeCode: 1008 });
    expect(closeCodeIn((await outcome).bytes)).toBe(1008);
    await server.stop();
  });

  it('a plain ws server sending a Sluice client more than its maxPayload: the good messages, then ERR_WS_MESSAGE_TOO_BIG', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await within(new Promise((resolve) => wss.once('listening', resolve)), 5000, 'listening');
    const peerClosed = signal<number>();
    wss.on('connection', (ws) => {
      ws.on('close', (code) => peerClosed.resolve(code));
      ws.send(JSON.stringify({ n: 1 }));
      ws.send(JSON.stringify({ pad: 'x'.repeat(2000) }));
      ws.send(JSON.stringify({ n: 2 })); // never read: the connection is over
    });
    const conn = await connect(url((wss.address() as { port: number }).port), { maxPayload: 1024 });
    const got: unknown[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const value of conn.framed(json({ framing: messages() }))) got.push(value);
      })(),
    );
    expect(error).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG', closeCode: 1009 });
    expect(got).toEqual([{ n: 1 }]);
    expect(conn.destroyed).toBe(true);
    expect(await within(peerClosed.promise, 5000, 'the server seeing the close')).toBe(1009);
    await new Promise((resolve) => wss.close(resolve));
  });
});

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

describe('a peer that closes abruptly mid-frame', () => {
  it.each(['FIN', 'RST'] as const)(
    'a raw client cut off (%s) inside a WebSocket frame: the echo of the whole frame first, then ERR_WS_ABNORMAL_CLOSE or ECONNRESET; others carry on',
    async (how) => {
      const server = await echoServer(lp);
      const other = await session(server.url, lp);
      const { socket, head } = await rawWebSocket(server.listener.port!);
      const outcome = received(socket, head);
      const half = frame(OP.binary, lpWire(new Uint8Array(1000)));
      socket.write(Buffer.concat([frame(OP.binary, lpWire(bytes('whole'))), half.subarray(0, half.length / 2)]));
      await within(new Promise((resolve) => socket.once('data', resolve)), 5000, 'the echo');
      if (how === 'RST') socket.resetAndDestroy();
      else socket.destroy();
      const [error] = await server.errors.reach(1);
      expect(['ERR_WS_ABNORMAL_CLOSE', 'ECONNRESET']).toContain((error as { code?: string }).code);
      const echoed = parseFrames((await outcome).bytes);
      expect(echoed.map((f) => f.payload)).toEqual([lpWire(bytes('whole'))]);
      expect(await other.roundTrip(bytes('still here'))).toEqual(bytes('still here'));
      await other.finish();
      await server.stop();
    },
  );

  it('a raw client cut off between messages but inside a codec frame: ERR_WS_ABNORMAL_CLOSE, not a truncation', async () => {
    const server = await echoServer(lp);
    const { socket, head } = await rawWebSocket(server.listener.port!);
    const outcome = received(socket, head);
    const wire = lpWire(bytes('first'), new Uint8Array(100));
    socket.write(frame(OP.binary, wire.subarray(0, 30))); // a whole message: one frame and a part of the next
    await within(new Promise((resolve) => socket.once('data', resolve)), 5000, 'the echo');
    socket.destroy();
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_WS_ABNORMAL_CLOSE', closeCode: 1006 });
    await outcome;
    await server.stop();
  });

  it.each(['FIN', 'RST'] as const)(
    'a raw server cut off (%s) inside a WebSocket frame: a Sluice client reads the whole frames, then ERR_WS_ABNORMAL_CLOSE or ECONNRESET',
    async (how) => {
      const server = await rawWebSocketServer((socket) => {
        const half = frame(OP.binary, lpWire(new Uint8Array(100)), { mask: false });
        socket.write(
          Buffer.concat([
            frame(OP.binary, lpWire(bytes('one'), bytes('two')), { mask: false }),
            half.subarray(0, half.length / 2),
          ]),
        );
        socket.once('data', () => (how === 'RST' ? socket.resetAndDestroy() : socket.destroy()));
      });
      const conn = await connect(server.url);
      const got: string[] = [];
      await conn.write('go');
      const error = await rejectionOf(
        (async () => {
          for await (const frame of conn.framed(lp)) got.push(Buffer.from(frame).toString());
        })(),
      );
      expect(['ERR_WS_ABNORMAL_CLOSE', 'ECONNRESET']).toContain((error as { code?: string }).code);
      expect(got).toEqual(['one', 'two']);
      expect(conn.destroyed).toBe(true);
      await server.close();
    },
  );

  it('a raw server that closes properly (1000) inside a codec frame: the whole frames, then ERR_TRUNCATED_FRAME', async () => {
    const server = await rawWebSocketServer((socket) => {
      const wire = lpWire(bytes('one'), new Uint8Array(50));
      socket.write(frame(OP.binary, wire.subarray(0, 20), { mask: false }));
      socket.end(frame(OP.close, closePayload(1000), { mask: false }));
    });
    const conn = await connect(server.url);
    const got: string[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const frame of conn.framed(lp)) got.push(Buffer.from(frame).toString());
      })(),
    );
    expect(error).toMatchObject({ code: 'ERR_TRUNCATED_FRAME', buffered: 13 });
    expect(got).toEqual(['one']);
    await server.close();
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

describe('a peer that stops reading while the server floods', () => {
  it('the server writer is held back within the bounds, then everything arrives in order once the peer reads', async () => {
    const frames = 2048;
    const payload = 16 * KiB; // 32 MiB in all: far more than the kernel and ws buffer between them
    const blocked = signal<number>();
    const errors = new ErrorLog();
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(
      async (conn) => {
        const io = conn.framed(lp);
        let isBlocked = false;
        for (let i = 0; i < frames; i++) {
          const data = new Uint8Array(payload);
          new DataView(data.buffer).setUint32(0, i);
          const written = io.write(data);
          if (!isBlocked && (await stillPending(written))) {
            isBlocked = true;
            blocked.resolve(conn.counters.bytesOut);
          }
          await written;
        }
      },
      { onError: errors.push },
    );
    const reader = await plainClient(url(listener.port));
    reader.ws.pause(); // a browser tab that stopped reading
    const accepted = await within(blocked.promise, 10_000, 'the writer blocking');
    expect(accepted).toBeLessThan(16 * MiB); // the socket buffers and ws's 64 KiB bound, not the 32 MiB offered
    reader.ws.resume();
    const { code } = await within(reader.closed, 10_000, 'the whole flood arriving');
    expect(code).toBe(1000);
    const got: Uint8Array[] = [];
    for (const { data } of reader.messages) lp.decoder().decode(data, got);
    expect(got).toHaveLength(frames);
    got.forEach((data, i) => {
      if (new DataView(data.buffer, data.byteOffset).getUint32(0) !== i) throw new Error(`frame ${i} out of order`);
    });
    expect(errors.errors).toEqual([]);
    await listener.close();
    await served;
  }, 20_000);

  it('close() facing a peer that stopped reading gives up after closeTimeout with ERR_CLOSE_TIMEOUT, never a clean end', async () => {
    const errors = new ErrorLog();
    const outcome = signal<{ close: PromiseSettledResult<void>; write: PromiseSettledResult<void> }>();
    const listener = await listen({ host: '127.0.0.1', port: 0, closeTimeout: 100 });
    const served = listener.serve(
      async (conn) => {
        const chunk = new Uint8Array(64 * KiB);
        let blocked: Promise<void> = Promise.resolve();
        while (!(await stillPending(blocked))) blocked = conn.write(chunk);
        // Data still unsent: closing cannot finish cleanly, and must say so.
        const [close, write] = await Promise.allSettled([conn.close(), blocked]);
        outcome.resolve({ close: close!, write: write! });
      },
      { onError: errors.push },
    );
    const reader = await plainClient(url(listener.port));
    reader.ws.pause();
    const { close, write } = await within(outcome.promise, 5000, 'close() giving up');
    expect(close).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CLOSE_TIMEOUT', timeout: 100 } });
    expect((close as PromiseRejectedResult).reason.unsent).toBeGreaterThan(0);
    // The waiting write was accepted before the cut-off (the socket took a little more), or is cut off too.
    if (write.status === 'rejected') expect(write.reason).toMatchObject({ code: 'ERR_CLOSE_TIMEOUT' });
    reader.ws.resume();
    expect((await within(reader.closed, 5000, 'the reader closing')).code).toBe(1006); // cut off, no close frame
    expect(await errors.reach(1)).toEqual([(close as PromiseRejectedResult).reason]); // serve() saw it too
    await listener.close();
    await served;
  });

  it('a Sluice client that reads slowly holds at most its readCapacity and a message or two, whatever a plain ws server sends', async () => {
    const total = 2048;
    const size = 16 * KiB;
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await within(new Promise((resolve) => wss.once('listening', resolve)), 5000, 'listening');
    wss.on('connection', (ws) => {
      // ws itself never waits: everything is queued at once, as a careless server does.
      for (let i = 0; i < total; i++) {
        const data = Buffer.alloc(size);
        data.writeUInt32BE(i, 0);
        ws.send(data);
      }
      ws.close(1000);
    });
    const conn = await connect(url((wss.address() as { port: number }).port));
    let consumed = 0;
    let maxHeld = 0;
    let index = 0;
    for await (const data of conn.framed(messages())) {
      if (Buffer.from(data).readUInt32BE(0) !== index) throw new Error(`message ${index} out of order`);
      index++;
      consumed += data.byteLength;
      maxHeld = Math.max(maxHeld, conn.counters.bytesIn - consumed);
      if (index % 4 === 0) await new Promise((resolve) => setImmediate(resolve)); // the slow part
    }
    expect(index).toBe(total);
    // readCapacity (64 KiB), plus what ws parsed from the socket's last read (64 KiB) after it paused, plus a message.
    expect(maxHeld).toBeLessThanOrEqual(64 * KiB + 64 * KiB + size);
    await new Promise((resolve) => wss.close(resolve));
  }, 20_000);
});

describe('a slowloris client', () => {
  it('one that completes the handshake and sends nothing is shed with ERR_IDLE_TIMEOUT; a chatty one on the same listener stays', async () => {
    const idle = 150;
    const server = await echoServer(lines(), { idleTimeout: idle });
    const chatty = await session(server.url, lines());
    const { socket, head } = await rawWebSocket(server.listener.port!);
    const silent = received(socket, head);
    let shed = false;
    void silent.then(() => (shed = true));
    const started = performance.now();
    let pings = 0;
    while (!shed) {
      expect(await chatty.roundTrip(`ping ${pings}`)).toBe(`ping ${pings}`);
      pings++;
      // Pace the pings well inside the idle timeout (or stop at once when the silent one is shed).
      await Promise.race([silent, new Promise((resolve) => setTimeout(resolve, idle / 5))]);
    }
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_IDLE_TIMEOUT', timeout: idle });
    expect((await silent).bytes.length).toBe(0); // cut off: not even a close frame
    expect(performance.now() - started).toBeGreaterThanOrEqual(idle * 0.9);
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(await chatty.roundTrip('still here')).toBe('still here');
    await chatty.finish();
    await server.stop();
  });

  it.each([
    ['sends nothing at all', ''],
    ['never finishes its upgrade request', 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'],
  ])('one that %s is no connection, takes no slot, and close() releases its socket', async (_name, sent) => {
    const listener = await listen({ host: '127.0.0.1', port: 0, maxConnections: 1 });
    const stalled = net.connect({ host: '127.0.0.1', port: listener.port! });
    stalled.on('error', () => {});
    await within(once(stalled, 'connect'), 5000, 'connecting');
    stalled.write(sent);
    const outcome = received(stalled);
    // The one slot is still free for a real client.
    const accepted = listener.accept();
    const client = await connect(url(listener.port));
    const conn = (await accepted)!;
    await client.write('hi');
    expect(new TextDecoder().decode((await conn[Symbol.asyncIterator]().next()).value)).toBe('hi');
    expect(listener.counters).toMatchObject({ accepted: 1, refused: 0 });
    await listener.close();
    // Not left open until Node's header timeout (60 s): the listener's own server closes it with itself.
    expect((await within(outcome, 5000, 'the stalled socket closing')).bytes.length).toBe(0);
    expect(client.destroyed).toBe(false); // a connection handed out is its owner's
    await client.write('still open');
    expect(new TextDecoder().decode((await conn[Symbol.asyncIterator]().next()).value)).toBe('still open');
    await Promise.all([client.close(), conn.close()]);
  });

  it('a plain HTTP request (no upgrade) is answered 426 at once and its socket closed, not held open', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const socket = net.connect({ host: '127.0.0.1', port: listener.port! });
    socket.on('error', () => {});
    await within(once(socket, 'connect'), 5000, 'connecting');
    const outcome = received(socket);
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'); // keep-alive by default: only an answer ends it
    const { bytes: answer } = await within(outcome, 5000, 'the answer and the close');
    expect(String(answer)).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
    expect(listener.counters).toMatchObject({ accepted: 0 });
  });

  it('answering the heartbeat’s pings is not activity: a silent plain ws client is still shed by idleTimeout', async () => {
    const server = await echoServer(lines(), { idleTimeout: 200, heartbeat: 40 });
    const silent = await plainClient(server.url); // ws answers every ping by itself
    const [error] = await server.errors.reach(1);
    expect(error).toMatchObject({ code: 'ERR_IDLE_TIMEOUT' });
    expect((await silent.closed).code).toBe(1006);
    expect(server.listener.counters.unresponsive).toBe(0); // it did answer: the heartbeat had no reason to drop it
    await server.stop();
  });
});
