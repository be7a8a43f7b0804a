/** @sluice/net over loopback: TCP, IPC and UDP. */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, deferred } from '../harness.mjs';
import { assertSameBytes, dial, echoServer, exchange, LOOPBACK, sluice } from './support.mjs';

const { bind, collect, connect, fromNodeSocket, json, lengthPrefixed, lines, listen, pipe, take } = sluice;

function checkTcp() {
  check('tcp: 50 concurrent clients echo lines, json and varint frames', { timeout: 20_000 }, async (t) => {
    const codecs = [() => lines(), () => json(), () => lengthPrefixed({ width: 'varint' })];
    const frame = [
      (i, n) => `client ${i} line ${n} ü`,
      (i, n) => ({ i, n, list: [n, 'x'] }),
      (i, n) => Buffer.from(`${i}:${n}`),
    ];
    const servers = await Promise.all(codecs.map((codec) => echoServer(t, codec)));
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const kind = i % 3;
        const conn = await dial(t, servers[kind].listener);
        assert.deepEqual(conn.remoteAddress, servers[kind].listener.address);
        assert.equal(conn.localAddress.family, 'IPv4');
        const frames = Array.from({ length: 100 }, (_, n) => frame[kind](i, n));
        const echoed = await exchange(conn.framed(codecs[kind]()), frames);
        if (kind === 2) assertSameBytes(echoed, frames);
        else assert.deepEqual(echoed, frames);
        const { bytesIn, bytesOut, framesIn, framesOut } = conn.counters;
        assert.deepEqual({ bytesIn, framesIn, framesOut }, { bytesIn: bytesOut, framesIn: 100, framesOut: 100 });
      }),
    );
    for (const { listener, served } of servers) {
      await listener.close();
      await served;
    }
    const accepted = servers.map(({ listener }) => listener.counters.accepted);
    assert.deepEqual(accepted, [17, 17, 16]);
  });

  check('tcp: a fast writer stays a bounded distance ahead of a slow reader (backpressure)', async (t) => {
    const size = 256 * 1024;
    const count = 256; // 64 MiB in all, far more than the socket buffers between the two hold
    const codec = () => lengthPrefixed({ maxFrameLength: size });
    let written = 0;
    const listener = await listen(LOOPBACK);
    t.defer(() => listener.close());
    void listener.serve(
      async (conn) => {
        const io = conn.framed(codec());
        for (; written < count; written++) await io.write(Buffer.alloc(size, written % 251));
      },
      { onError: (error) => t.fail(error) },
    );
    const conn = await dial(t, listener);
    let read = 0;
    let ahead = 0;
    for await (const frame of conn.framed(codec())) {
      assert.ok(frame.length === size && frame[0] === read % 251 && frame[size - 1] === read % 251, `frame ${read}`);
      read++;
      ahead = Math.max(ahead, written - read);
      await new Promise((resolve) => setTimeout(resolve, 1)); // a reader slower than loopback
    }
    assert.equal(read, count);
    assert.ok(ahead * size <= 32 * 1024 * 1024, `the writer ran ${(ahead * size) / 1024 ** 2} MiB ahead of the reader`);
    assert.equal(conn.counters.bytesIn, count * (size + 4));
  });

  check('tcp: leaving a loop early closes the connection gracefully', async (t) => {
    const listener = await listen(LOOPBACK);
    t.defer(() => listener.close());
    const served = listener.serve(
      async (conn) => {
        const io = conn.framed(lines());
        await io.writeAll(Array.from({ length: 1000 }, (_, i) => `tick ${i}`));
      },
      { onError: (error) => t.fail(error) },
    );
    const conn = await dial(t, listener);
    assert.deepEqual(await pipe(conn.framed(lines()), take(3), collect()), ['tick 0', 'tick 1', 'tick 2']);
    await conn.closed;
    assert.equal(conn.destroyed, true);
    await listener.close();
    const summary = await served;
    if (summary !== undefined) assert.equal(summary.failed ?? 0, 0);
  });
}

function checkHandover() {
  check('tcp: one codec hands over to the next, then unwrap() gives back the raw socket', async (t) => {
    const tail = deferred();
    const listener = await listen(LOOPBACK);
    t.defer(() => listener.close());
    void listener.accept().then(async (conn) => {
      t.defer(() => conn.destroy());
      const first = await conn.framed(lines(), { keepOpen: true }).read();
      const second = await conn.framed(lengthPrefixed(), { keepOpen: true }).read();
      const socket = conn.unwrap(); // a net.Socket again, holding the bytes no codec took
      t.defer(() => socket.destroy());
      let raw = '';
      socket.on('data', (chunk) => {
        raw += chunk;
        if (raw.length >= 8) tail.resolve({ first, second: Buffer.from(second).toString(), raw });
      });
      socket.resume();
    }, t.fail);
    const conn = await dial(t, listener);
    // All in one write, so the first reader receives bytes meant for the next ones.
    await conn.write(Buffer.concat([Buffer.from('hello\n'), Buffer.from([0, 0, 0, 3]), Buffer.from('abcRAW-TAIL')]));
    assert.deepEqual(await tail.promise, { first: 'hello', second: 'abc', raw: 'RAW-TAIL' });
  });

  check('tcp: fromNodeSocket adopts the sockets of a node:net server', async (t) => {
    const adopt = async (socket) => {
      const io = fromNodeSocket(socket).framed(lines());
      for await (const line of io) await io.write(`adopted: ${line}`);
      await io.close();
    };
    const server = net.createServer({ allowHalfOpen: true }, (socket) => void adopt(socket).catch(t.fail));
    t.defer(() => new Promise((resolve) => server.close(resolve)));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const conn = await connect({ host: '127.0.0.1', port: server.address().port, timeout: 5000 });
    t.defer(() => conn.destroy());
    assert.deepEqual(await exchange(conn.framed(lines()), ['x', 'y']), ['adopted: x', 'adopted: y']);
  });
}

function checkIpc() {
  check('ipc: echo over a Unix socket path', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-smoke-'));
    t.defer(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'echo.sock');
    const { listener } = await echoServer(t, lines, { host: undefined, port: undefined, path });
    assert.equal(listener.address.path, path);
    const conn = await connect({ path, timeout: 5000 });
    t.defer(() => conn.destroy());
    assert.deepEqual(await exchange(conn.framed(lines()), ['over', 'ipc']), ['over', 'ipc']);
    await listener.close();
    const again = await echoServer(t, lines, { host: undefined, port: undefined, path }); // the path was freed
    const second = await connect({ path, timeout: 5000 });
    t.defer(() => second.destroy());
    assert.deepEqual(await exchange(second.framed(lines()), ['again']), ['again']);
    await again.listener.close();
  });
}

function checkUdp() {
  check('udp: bind, send, receive and answer', async (t) => {
    const a = await bind(LOOPBACK);
    t.defer(() => a.close());
    const b = await bind(LOOPBACK);
    t.defer(() => b.close());
    const inboxA = a[Symbol.asyncIterator]();
    const inboxB = b[Symbol.asyncIterator]();
    await b.send(Buffer.from('ping'), a.address);
    const { value: ping } = await inboxA.next();
    assert.equal(Buffer.from(ping.data).toString(), 'ping');
    assert.equal(ping.address.port, b.address.port);
    await a.send(Buffer.from('pong'), ping.address);
    const { value: pong } = await inboxB.next();
    assert.equal(Buffer.from(pong.data).toString(), 'pong');
    await a.close();
    assert.equal((await inboxA.next()).done, true, 'closing ends the iteration');
  });
}

export function checkNet() {
  checkTcp();
  checkHandover();
  checkIpc();
  checkUdp();
}
