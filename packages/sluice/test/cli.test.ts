import { execFile } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/internal/run-cli.js';

/** Runs the CLI in-process with stdin fed from `input`; resolves with exit code and output. */
function cli(args: string[], input?: string) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  if (input !== undefined) stdin.end(input);
  const code = runCli(args, { stdin, stdout, stderr });
  return { code, stdin, output: () => out, errors: () => err };
}

/** Waits (on each stderr write) for the listening line and returns the port. */
async function listeningPort(errors: () => string): Promise<number> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const match = /listening on 127\.0\.0\.1:(\d+)/.exec(errors());
    if (match) return Number(match[1]);
    if (Date.now() > deadline) throw new Error(`no listening line in: ${errors()}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('sluice CLI', () => {
  it('connect talks to listen --echo, line by line, with counts on stderr', async () => {
    const server = cli(['listen', '--host', '127.0.0.1', '--port', '0', '--codec', 'lines', '--echo', '--once']);
    const port = await listeningPort(server.errors);
    const client = cli(['connect', `127.0.0.1:${port}`, '--codec', 'lines'], 'hello\nworld\n');
    expect(await client.code).toBe(0);
    expect(client.output()).toBe('hello\nworld\n');
    expect(client.errors()).toContain('sent 2 frames');
    expect(client.errors()).toContain('received 2 frames');
    expect(await server.code).toBe(0);
    expect(server.errors()).toMatch(/closed: received 2 frames/);
  });

  it('speaks length-prefixed frames with hex output against listen --echo', async () => {
    const server = cli(['listen', '--port', '0', '--codec', 'lp', '--width', '2', '--echo', '--once']);
    const port = await listeningPort(server.errors);
    const client = cli(['connect', `127.0.0.1:${port}`, '--codec', 'lp', '--width', '2', '-o', 'hex'], 'AB\n');
    expect(await client.code).toBe(0);
    expect(client.output()).toBe('4142\n');
    expect(await server.code).toBe(0);
  });

  it('listen prints frames from a plain node:net peer', async () => {
    const server = cli(['listen', '--port', '0', '--codec', 'json', '--once', '-o', 'json']);
    const port = await listeningPort(server.errors);
    const peer = net.connect({ port, host: '127.0.0.1' });
    await once(peer, 'connect');
    peer.end('{"a":1}\n[2,3]\n');
    expect(await server.code).toBe(0);
    expect(server.output()).toBe('{"a":1}\n[2,3]\n');
  });

  it('connect reads from a plain node:net server until it closes', async () => {
    const server = net.createServer((socket) => socket.end('one\r\ntwo\r\n'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const client = cli(['connect', `127.0.0.1:${port}`, '--quiet'], '');
    expect(await client.code).toBe(0);
    expect(client.output()).toBe('one\ntwo\n');
    server.close();
  });

  it('says clearly when a connection is refused or an address is bad', async () => {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const refused = cli(['connect', `127.0.0.1:${port}`], '');
    expect(await refused.code).toBe(1);
    expect(refused.errors()).toMatch(/connection refused by 127\.0\.0\.1:\d+: is a server listening there\?/);

    const bad = cli(['connect', 'nowhere'], '');
    expect(await bad.code).toBe(2);
    expect(bad.errors()).toContain('"nowhere" is missing :PORT');

    const codec = cli(['listen', '--port', '0', '--codec', 'morse']);
    expect(await codec.code).toBe(2);
    expect(codec.errors()).toContain('unknown codec "morse"');
  });

  it('has --help for every command, also when run as a program', async () => {
    for (const args of [['--help'], ['listen', '--help'], ['connect', '--help']]) {
      const run = cli(args);
      expect(await run.code).toBe(0);
      expect(run.output()).toMatch(/Usage/);
    }
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'packages/sluice/src/cli.ts', 'connect', '--help'],
      { cwd: root },
    );
    expect(stdout).toContain('Usage: sluice connect HOST:PORT');
  }, 30_000);
});
