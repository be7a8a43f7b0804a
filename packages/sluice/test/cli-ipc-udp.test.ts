/**
 * The real `sluice` over Unix sockets (a path argument: one with a `/`, or
 * `unix:PATH`) and over UDP (`--udp`: one stdin line per datagram, one
 * datagram per output line), against node:net and node:dgram peers.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectExit, sluice } from './support/sluice-cli.js';

const TIMEOUT = 30_000;
const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sockets = 0;
const socketFile = () => join(dir, `app-${++sockets}.sock`);

describe('sluice over a Unix socket', () => {
  it('listen PATH prints what a node:net client sends there; connect PATH talks to listen --echo', {
    timeout: TIMEOUT,
  }, async () => {
    const path = socketFile();
    const server = sluice(['listen', path, '--once']);
    await server.waitFor(new RegExp(`listening on ${path}`));
    const peer = net.connect({ path });
    await once(peer, 'connect');
    peer.end('over ipc\n');
    const exit = await server.exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe('over ipc\n');
    expect(exit.stderr).toMatch(/^sluice: client 1 connected$/m);

    const echo = sluice(['listen', path, '--echo', '--once']); // the file is gone: the path binds again
    await echo.waitFor(/listening on/);
    const client = await sluice(['connect', path, '--codec', 'json'], { input: '{"a":1}\n' }).exited;
    expectExit(client, 0);
    expect(client.stdout).toBe('{"a":1}\n');
    expectExit(await echo.exited, 0);
  });

  it('connect unix:PATH reads from a node:net server on that path', { timeout: TIMEOUT }, async () => {
    const path = socketFile();
    const server = net.createServer((socket) => socket.end('hello\n')).listen(path);
    await once(server, 'listening');
    const exit = await sluice(['connect', `unix:${path}`, '-q']).exited;
    server.close();
    expectExit(exit, 0);
    expect(exit.stdout).toBe('hello\n');
  });

  it('listen PATH on a socket file left by a killed listener says to remove it (and removes nothing)', {
    timeout: TIMEOUT,
  }, async () => {
    const path = socketFile();
    const killed = sluice(['listen', path]);
    await killed.waitFor(/listening on/);
    killed.process.kill('SIGKILL');
    await killed.exited;
    expect(existsSync(path)).toBe(true);
    const exit = await sluice(['listen', path]).exited;
    expectExit(exit, 1);
    expect(exit.stderr.trim()).toBe(
      `sluice: address already in use: ${path}: the socket file is left from a process that is gone: remove it (rm ${path}) and try again`,
    );
    expect(existsSync(path)).toBe(true);
  });

  it('listen PATH where a live server listens says so', { timeout: TIMEOUT }, async () => {
    const path = socketFile();
    const server = net.createServer((socket) => socket.destroy()).listen(path);
    await once(server, 'listening');
    const exit = await sluice(['listen', path]).exited;
    server.close();
    expectExit(exit, 1);
    expect(exit.stderr.trim()).toBe(
      `sluice: address already in use: ${path}: a running server is listening on it (stop that one first, or choose another path)`,
    );
  });

  it.each([
    [
      ['connect', 'app.sock'],
      /"app\.sock" is missing :PORT .*for a Unix socket write \.\/app\.sock or unix:app\.sock$/,
    ],
    [['listen', '9000'], /^sluice: listen takes the port as --port 9000$/],
    [['listen', './app.sock', '--port', '1'], /^sluice: --port only applies to TCP, not to a Unix socket$/],
    [['connect', './app.sock', '--tls'], /^sluice: --tls does not apply to a Unix socket$/],
  ])('refuses %j in one line (exit 2)', { timeout: TIMEOUT }, async (args, message) => {
    const exit = await sluice(args).exited;
    expectExit(exit, 2);
    expect(exit.stderr.trim()).toMatch(message);
  });
});

/** A node:dgram socket on a free loopback port, with what it receives. */
async function udpPeer(onMessage?: (data: Buffer, from: dgram.RemoteInfo, socket: dgram.Socket) => void) {
  const socket = dgram.createSocket('udp4');
  const received: string[] = [];
  let waiting: (() => void) | undefined;
  socket.on('message', (data, from) => {
    received.push(data.toString());
    onMessage?.(data, from, socket);
    waiting?.();
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  /** Resolves once `n` datagrams have come. */
  const until = async (n: number) => {
    while (received.length < n) await new Promise<void>((resolve) => (waiting = resolve));
    return received;
  };
  return { socket, port: socket.address().port, received, until };
}

describe('sluice --udp', () => {
  it('connect --udp sends each stdin line as one datagram and prints each reply', {
    timeout: TIMEOUT,
  }, async () => {
    const server = await udpPeer((data, from, socket) =>
      socket.send(`${data.toString().toUpperCase()}\n`, from.port, from.address),
    );
    const run = sluice(['connect', '--udp', `127.0.0.1:${server.port}`], { keepStdinOpen: true });
    run.process.stdin.write('hello\nworld\n');
    await run.waitFor(/^HELLO\nWORLD\n$/, 'stdout'); // one trailing newline of each datagram dropped
    run.process.stdin.end(); // then it lingers until the peer is quiet, and exits
    const exit = await run.exited;
    server.socket.close();
    expectExit(exit, 0);
    expect(server.received).toEqual(['hello', 'world']);
    expect(exit.stderr).toMatch(/sent 2 datagrams \(10 bytes\), received 2 datagrams \(12 bytes\)/);
  });

  it('listen --udp prints datagrams with their sender, and sends stdin lines to the latest sender', {
    timeout: TIMEOUT,
  }, async () => {
    const run = sluice(['listen', '--udp', '--port', '0'], { keepStdinOpen: true });
    const [, port] = await run.waitFor(/listening on 127\.0\.0\.1:(\d+) \(udp\)/);
    const client = await udpPeer();
    client.socket.send('ping', Number(port), '127.0.0.1');
    await run.waitFor(/^ping$/m, 'stdout');
    expect(run.stderr()).toContain(`datagram from 127.0.0.1:${client.port} (4 bytes)`);
    run.process.stdin.write('pong\n');
    expect(await client.until(1)).toEqual(['pong']);
    run.process.kill('SIGTERM');
    expectExit(await run.exited, 0);
    client.socket.close();
  });

  it('listen --udp --echo sends each datagram back to its sender', { timeout: TIMEOUT }, async () => {
    const run = sluice(['listen', '--udp', '--echo', '--port', '0']);
    const [, port] = await run.waitFor(/listening on 127\.0\.0\.1:(\d+) \(udp, echo\)/);
    const client = await udpPeer();
    client.socket.send('one', Number(port), '127.0.0.1');
    expect(await client.until(1)).toEqual(['one']);
    run.process.kill('SIGINT');
    const exit = await run.exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe('');
    // No connections to give time to: the message says what is true of UDP.
    expect(exit.stderr).toMatch(/^sluice: SIGINT: shutting down \(UDP has no connections to wait for\)$/m);
    client.socket.close();
  });

  it('listen --udp --prefix starts each printed datagram with its sender', { timeout: TIMEOUT }, async () => {
    const run = sluice(['listen', '--udp', '--port', '0', '--prefix']);
    const [, port] = await run.waitFor(/listening on 127\.0\.0\.1:(\d+) \(udp\)/);
    const client = await udpPeer();
    client.socket.send('one\n', Number(port), '127.0.0.1');
    await run.waitFor(/one\n/, 'stdout');
    run.process.kill('SIGTERM');
    const exit = await run.exited;
    client.socket.close();
    expectExit(exit, 0);
    expect(exit.stdout).toBe(`127.0.0.1:${client.port}: one\n`);
  });

  it('connect --udp to a port nothing listens on says so (the kernel port unreachable) and exits 1', {
    timeout: TIMEOUT,
  }, async () => {
    const closed = await udpPeer();
    closed.socket.close();
    await once(closed.socket, 'close');
    const exit = await sluice(['connect', '--udp', `127.0.0.1:${closed.port}`], { input: 'hello\n' }).exited;
    expectExit(exit, 1);
    expect(exit.stderr.trim()).toBe(`sluice: nothing listens on 127.0.0.1:${closed.port} (port unreachable)`);
  });

  it('connect --udp to a peer that never replies exits 0 with a hint', { timeout: TIMEOUT }, async () => {
    const silent = await udpPeer();
    const exit = await sluice(['connect', '--udp', `127.0.0.1:${silent.port}`, '--linger', '100'], {
      input: 'hello\n',
    }).exited;
    silent.socket.close();
    expectExit(exit, 0);
    expect(silent.received).toEqual(['hello']);
    expect(exit.stderr).toMatch(
      new RegExp(`^sluice: \\(no reply: is anything listening on 127\\.0\\.0\\.1:${silent.port}\\?\\)$`, 'm'),
    );
  });

  it('connect --udp on SIGINT says it was interrupted and prints the counts (exit 0)', {
    timeout: TIMEOUT,
  }, async () => {
    const server = await udpPeer((data, from, socket) => socket.send(data, from.port, from.address));
    const run = sluice(['connect', '--udp', `127.0.0.1:${server.port}`], { keepStdinOpen: true });
    run.process.stdin.write('ping\n');
    await run.waitFor(/ping\n/, 'stdout');
    run.process.kill('SIGINT');
    const exit = await run.exited;
    server.socket.close();
    expectExit(exit, 0);
    expect(exit.stderr).toMatch(
      /^sluice: SIGINT: interrupted\nsluice: sent 1 datagram \(4 bytes\), received 1 datagram \(4 bytes\)$/m,
    );
  });

  it.each([
    [['connect', '--udp', '127.0.0.1:9', '--codec', 'json'], /^sluice: --codec does not apply with --udp/],
    [['listen', '--udp', '--port', '0', '--once'], /^sluice: --once does not apply with --udp/],
    [
      ['listen', '--udpp', '--port', '0'],
      /^sluice: unknown option --udpp \(did you mean --udp\? see sluice listen --help\)$/,
    ],
  ])('refuses %j in one line (exit 2)', { timeout: TIMEOUT }, async (args, message) => {
    const exit = await sluice(args).exited;
    expectExit(exit, 2);
    expect(exit.stderr.trim()).toMatch(message);
  });
});
