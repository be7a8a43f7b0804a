/**
 * The real `sluice` process over WebSocket, `listen --ws` against
 * `connect ws://…`: JSON is one value per text message, the other codecs keep
 * their framing over the messages, what a plain `ws` client sends is printed,
 * wss:// is served with --tls and reached with --ca, SIGTERM closes clients
 * normally, and the READMEs' WebSocket lines work as written. Against plain
 * `ws` servers, failures and backpressure are in `cli-ws-*.test.ts`.
 * Loopback only, free ports, no fixed sleeps.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeExit, ROOT } from './support/child.js';
import { expectExit, listenWs, sluice } from './support/sluice-cli.js';

const TIMEOUT = 30_000;
const FIXTURES = 'packages/net/test/fixtures';

describe('sluice listen --ws and sluice connect ws://', () => {
  it('echo JSON values, one per message, on the path given', { timeout: TIMEOUT }, async () => {
    const { run: server, url } = await listenWs(['--path', '/chat', '--codec', 'json', '--echo', '--once']);
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/chat$/);
    expect(server.stderr()).toMatch(/^sluice: listening on ws:\/\/127\.0\.0\.1:\d+\/chat \(codec json, echo\)$/m);
    const input = '{"hello":"ws"}\n[1,2,3]\n\n"line\\nbreak"\n';
    const exit = await sluice(['connect', url, '--codec', 'json'], { input }).exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe('{"hello":"ws"}\n[1,2,3]\n"line\\nbreak"\n');
    expect(exit.stderr).toMatch(/^sluice: sent 3 frames \(34 bytes\), received 3 frames \(34 bytes\)$/m);
    const listened = await server.exited;
    expectExit(listened, 0);
    expect(listened.stderr).toMatch(/^sluice: 127\.0\.0\.1:\d+ closed: received 3 frames/m);
    expect(listened.stderr).not.toMatch(/before .* could be sent/);
  });

  it('echo lines (framed over the messages), with -o hex', { timeout: TIMEOUT }, async () => {
    const { run: server, url } = await listenWs(['--echo', '--once']);
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    const exit = await sluice(['connect', url, '-o', 'hex'], { input: 'hello\r\nworld\n' }).exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe('68656c6c6f\n776f726c64\n');
    expectExit(await server.exited, 0);
  });

  it('echo raw frames with --codec messages, and length-prefixed ones', { timeout: TIMEOUT }, async () => {
    for (const codec of [
      ['--codec', 'messages'],
      ['--codec', 'lp', '--width', '2'],
    ]) {
      const { run: server, url } = await listenWs([...codec, '--echo', '--once']);
      const exit = await sluice(['connect', url, ...codec, '-o', 'hex'], { input: 'AB\nC\n' }).exited;
      expectExit(exit, 0);
      expect(exit.stdout, codec.join(' ')).toBe('4142\n43\n');
      expectExit(await server.exited, 0);
    }
  });

  it('listen --ws prints what a plain ws client sends: JSON per text message, -o json', {
    timeout: TIMEOUT,
  }, async () => {
    const { run: server, url } = await listenWs(['--codec', 'json', '-o', 'json', '--once']);
    const client = new WebSocket(url);
    await once(client, 'open');
    client.send(JSON.stringify({ a: 1 }));
    client.send('[2, 3]');
    client.close(1000);
    const exit = await server.exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe('{"a":1}\n[2,3]\n');
  });
});

describe('sluice over WebSocket, and the rest of what it promises', () => {
  it('listen --ws --tls serves wss://, which connect reaches with --ca (and refuses without)', {
    timeout: TIMEOUT,
  }, async () => {
    const tls = ['--tls', '--key', `${FIXTURES}/server.key`, '--cert', `${FIXTURES}/server.crt`];
    const { run: server, url } = await listenWs([...tls, '--codec', 'json', '--echo']);
    expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/$/);
    const untrusted = await sluice(['connect', url, '--codec', 'json'], { input: '{"secure":false}\n' }).exited;
    expectExit(untrusted, 1);
    expect(untrusted.stdout).toBe('');
    expect(untrusted.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^sluice: .*certificate.* \([A-Z_]+\)$/),
    ]);
    const trusted = await sluice(['connect', url, '--codec', 'json', '--ca', `${FIXTURES}/ca.crt`], {
      input: '{"secure":true}\n',
    }).exited;
    expectExit(trusted, 0);
    expect(trusted.stdout).toBe('{"secure":true}\n');
    server.process.kill('SIGTERM');
    expectExit(await server.exited, 0);
  });

  it('listen --ws on SIGTERM closes a client normally, which then exits 1 (stdin still open)', {
    timeout: TIMEOUT,
  }, async () => {
    const { run: server, url } = await listenWs([]);
    const client = sluice(['connect', url], { keepStdinOpen: true });
    await server.waitFor(/connected$/m);
    server.process.kill('SIGTERM');
    const [listened, connected] = await Promise.all([server.exited, client.exited]);
    expectExit(listened, 0);
    expect(listened.stderr).toMatch(/^sluice: SIGTERM: shutting down/m);
    expectExit(connected, 1);
    expect(connected.stderr).toMatch(/^sluice: the peer closed the connection before stdin ended$/m);
  });

  it("the READMEs' WebSocket lines work against each other", { timeout: TIMEOUT }, async () => {
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('## The CLI'), readme.indexOf('\n## ', readme.indexOf('## The CLI')));
    const fromRoot = wsLines(section, 'pnpm sluice ');
    const packageReadme = readFileSync(`${ROOT}/packages/sluice/README.md`, 'utf8');
    const fromPackage = wsLines(packageReadme, 'sluice ');
    for (const [listenArgs, connectArgs] of [fromRoot, fromPackage]) {
      // The same commands, on a free port, with --once so the server ends after the client.
      const given = listenArgs.filter(
        (arg, i) => !['listen', '--ws', '--port'].includes(arg) && listenArgs[i - 1] !== '--port',
      );
      const { run: server, url } = await listenWs([...given, '--once']);
      const { port } = new URL(url);
      const exit = await sluice(
        connectArgs.map((arg) => arg.replace(/^(wss?:\/\/[^/:]+):\d+/, `$1:${port}`)),
        { input: '{"hello":"ws"}\n' },
      ).exited;
      expect(exit.code, describeExit('sluice connect', exit)).toBe(0);
      expect(exit.stdout).toBe('{"hello":"ws"}\n');
      expectExit(await server.exited, 0);
    }
  });
});

/** The `listen --ws` and `connect ws://` lines of a markdown text's ```sh blocks, as arguments. */
function wsLines(markdown: string, prefix: string): [string[], string[]] {
  const lines = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)]
    .flatMap((match) => (match[1] as string).split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length).split(/\s+/));
  const listen = lines.find((args) => args[0] === 'listen' && args.includes('--ws'));
  const connect = lines.find((args) => args[0] === 'connect' && /^wss?:\/\//.test(args[1] ?? ''));
  expect(listen, `a "${prefix}listen --ws" line`).toBeDefined();
  expect(connect, `a "${prefix}connect ws://" line`).toBeDefined();
  return [listen as string[], connect as string[]];
}
