/**
 * The real `sluice` process at the start of a shell pipeline: a reader that
 * goes away (`| head`) ends it quietly, and a reader that does not keep up
 * holds the socket back (the CLI reads frames only as fast as stdout drains,
 * so the sender's writes stall instead of piling up in the CLI's memory).
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesRead, type CliRun, expectExit, heldBackBound, sluice, sluiceListen } from './support/sluice-cli.js';

const TIMEOUT = 30_000;
const LINE = `${'x'.repeat(1023)}\n`;
const CHUNK = Buffer.from(LINE.repeat(64)); // 64 KiB of 1 KiB lines

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A node:net server on a free loopback port that treats each client with `onClient`. */
async function server(onClient: (socket: net.Socket) => void): Promise<number> {
  const created = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => {});
    onClient(socket);
  });
  servers.push(created);
  created.listen(0, '127.0.0.1');
  await once(created, 'listening');
  return (created.address() as net.AddressInfo).port;
}

/**
 * Writes 1 KiB lines into `socket` as fast as it takes them, until `limit`
 * bytes are handed over or the socket has not drained for `quietMs` (held
 * back). The quiet wait only decides when to stop looking: a held-back
 * sender stays held back, so it cannot make a correct CLI fail.
 */
async function flood(socket: net.Socket, limit: number, quietMs = 1000): Promise<{ sent: number; heldBack: boolean }> {
  let sent = 0;
  while (sent < limit) {
    sent += CHUNK.length;
    if (socket.write(CHUNK)) continue;
    const drained = await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => finish(false), quietMs);
      const finish = (value: boolean) => {
        clearTimeout(timer);
        socket.off('drain', onDrain).off('close', onClose).off('error', reject);
        resolve(value);
      };
      const onDrain = () => finish(true);
      const onClose = () => finish(false);
      socket.once('drain', onDrain).once('close', onClose).once('error', reject);
    });
    if (!drained) return { sent, heldBack: true };
  }
  return { sent, heldBack: false };
}

/** Floods `socket` while `run`'s stdout is unread, checks it was held back, then reads stdout to the end. */
async function expectHeldBack(run: CliRun, socket: net.Socket, readBefore: number | undefined) {
  const limit = heldBackBound();
  const { sent, heldBack } = await flood(socket, limit);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  expect(heldBack, `the CLI took ${mb(sent)} while its stdout was not read`).toBe(true);
  const read = bytesRead(run.process.pid);
  // Where /proc says (Linux): the CLI itself read little (about 0.3 MiB here) of what was sent.
  if (read !== undefined && readBefore !== undefined) {
    expect(read - readBefore, 'bytes the CLI read while its stdout was not read').toBeLessThan(8 << 20);
  }
  // Once stdout is read again, everything that was held back comes through.
  socket.end();
  let received = 0;
  run.process.stdout.on('data', (chunk: Buffer) => (received += chunk.length));
  expectExit(await run.exited, 0);
  expect(received).toBe(sent);
}

describe('sluice and a slow stdout reader', () => {
  it('listen reads its socket only as fast as stdout drains', { timeout: TIMEOUT }, async () => {
    const { run, port } = await sluiceListen(['--once'], { pauseStdout: true });
    const readBefore = bytesRead(run.process.pid);
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    await expectHeldBack(run, socket, readBefore);
  });

  it('connect reads its socket only as fast as stdout drains', { timeout: TIMEOUT }, async () => {
    let accepted: (socket: net.Socket) => void = () => {};
    const connected = new Promise<net.Socket>((resolve) => (accepted = resolve));
    const port = await server((socket) => accepted(socket));
    const run = sluice(['connect', `127.0.0.1:${port}`, '-q'], { pauseStdout: true });
    const socket = await connected; // connected: the CLI has loaded all it needs
    await expectHeldBack(run, socket, bytesRead(run.process.pid));
  });
});

describe('sluice and a stdout reader that goes away', () => {
  it('connect ends quietly when `| head -2` has its lines (EPIPE)', { timeout: TIMEOUT }, async () => {
    const port = await server((socket) => socket.pipe(socket)); // echo
    const lines = Array.from({ length: 100_000 }, (_, i) => `${i + 1}\n`).join(''); // seq 1 100000
    const run = sluice(['connect', `127.0.0.1:${port}`], { input: lines });
    await run.waitFor(/^1\n2\n/, 'stdout');
    run.process.stdout.destroy(); // head exits
    const exit = await run.exited;
    expectExit(exit, 0);
    expect(exit.stderr).toBe('');
  });

  it('listen ends quietly when `| head -1` has its line (EPIPE)', { timeout: TIMEOUT }, async () => {
    const { run, port } = await sluiceListen([]);
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    const writing = flood(socket, 64 << 20).catch(() => ({ sent: 0, heldBack: false }));
    await run.waitFor(/^x+\n/, 'stdout');
    run.process.stdout.destroy();
    const exit = await run.exited;
    expectExit(exit, 0);
    expect(exit.stderr).not.toMatch(/EPIPE|failed/);
    socket.destroy();
    await writing;
  });
});
