/**
 * Encoding and writing frames: Sluice's `framed(codec).writeAll()` against
 * it-length-prefixed's `encode` piped into a socket; and a loop of
 * `await conn.write(bytes)` with one buffer refilled each time against
 * node:net's `socket.write()` waiting for 'drain' when it returns false. That
 * second row carries what safety costs: Sluice copies each small write (the
 * caller may reuse its buffer once the write resolves; node:net keeps a
 * reference, so the same loop would send corrupt bytes) and lets the event
 * loop run every 512 writes (node:net's loop starves timers and other
 * connections until the socket is full). The receiver is a plain `node:net`
 * server counting bytes; a run ends when it has seen them all.
 *
 * Run: pnpm build && pnpm bench:one bench/net-write.ts [--quick]
 */
import { once } from 'node:events';
import net from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lengthPrefixed } from '@sluice/codec';
import { connect } from '@sluice/net';
import * as lp from 'it-length-prefixed';
import { alternate, type BenchOptions, isMain, printRows, quickFromArgv, type Row, row } from './support.js';

/** A server that counts bytes and resolves `done` per connection once `expected` bytes arrived. */
async function byteSink() {
  const server = net.createServer((socket) => {
    socket.on('data', () => {});
    socket.on('end', () => socket.end());
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function run({ quick }: BenchOptions): Promise<Row[]> {
  const count = quick ? 200_000 : 1_000_000;
  const payload = new Uint8Array(64).fill(98);
  const frames = Array.from({ length: count }, () => payload);
  const sink = await byteSink();
  const timed = async (fn: () => Promise<void>) => {
    const start = performance.now();
    await fn();
    return count / ((performance.now() - start) / 1000);
  };
  const rates = await alternate(quick ? 3 : 5, {
    itlp: () =>
      timed(async () => {
        const socket = net.connect({ port: sink.port, host: '127.0.0.1' });
        await once(socket, 'connect');
        await pipeline(Readable.from(lp.encode(frames)), socket);
      }),
    sluice: () =>
      timed(async () => {
        const conn = await connect({ host: '127.0.0.1', port: sink.port });
        const io = conn.framed(lengthPrefixed({ width: 'varint' }));
        await io.writeAll(frames);
        await conn.close();
      }),
  });
  const buffer = new Uint8Array(64);
  const loops = await alternate(quick ? 3 : 5, {
    node: () =>
      timed(async () => {
        const socket = net.connect({ port: sink.port, host: '127.0.0.1' });
        await once(socket, 'connect');
        for (let i = 0; i < count; i++) {
          buffer.fill(i & 0xff);
          if (!socket.write(Buffer.from(buffer))) await once(socket, 'drain'); // a copy: node:net keeps a reference
        }
        socket.end();
        await once(socket, 'close');
      }),
    sluice: () =>
      timed(async () => {
        const conn = await connect({ host: '127.0.0.1', port: sink.port });
        for (let i = 0; i < count; i++) {
          buffer.fill(i & 0xff);
          await conn.write(buffer);
        }
        await conn.close();
      }),
  });
  await sink.close();
  return [
    row('encode + write lengthPrefixed(varint)', 'f/s', rates.sluice!, 'it-length-prefixed encode', rates.itlp!, 2),
    row(
      'await write() of 64 B, buffer reused (copied, fair)',
      'w/s',
      loops.sluice!,
      'node:net write + drain',
      loops.node!,
      0.9,
    ),
  ];
}

if (isMain(import.meta.url)) printRows('Encoding and writing 64-byte frames over loopback', await run(quickFromArgv()));
