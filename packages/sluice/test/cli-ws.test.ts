/**
 * The real `sluice` process over WebSocket: `listen --ws` and `connect ws://…`
 * against each other and against plain `ws` peers. JSON is one value per
 * text message; the other codecs keep their framing over the messages;
 * failures are one line with their code and the documented exit code; a
 * slow stdout reader holds the peer back; and the READMEs' WebSocket lines
 * work as written. Loopback only, free ports, no fixed sleeps.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { describeExit, type Exit, ROOT } from './support/child.js';
import { type CliOptions, type CliRun, expectExit, sluice } from './support/sluice-cli.js';

const TIMEOUT = 30_000;
const FIXTURES = 'packages/net/test/fixtures';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Starts `sluice listen --ws --port 0 …args`; resolves once it prints its URL. */
async function listenWs(args: string[], options: CliOptions = {}): Promise<{ run: CliRun; url: string }> {
  const run = sluice(['listen', '--ws', '--port', '0', ...args], options);
  const [, url] = await run.waitFor(/^sluice: listening on (wss?:\/\/\S+)/m);
  return { run, url: url as string };
}

/** A plain `ws` server on a free loopback port that treats each client with `onClient`. */
async function wsServer(onClient: (ws: WebSocket) => void): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  server.on('connection', (ws) => {
    ws.on('error', () => {}); // abrupt ends are the point of some tests
    onClient(ws);
  });
  await once(server, 'listening');
  return `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
}

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

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

describe('sluice connect ws:// against a plain ws server', () => {
  it('sends JSON values one per text message, and prints the replies', { timeout: TIMEOUT }, async () => {
    const seen: { data: string; isBinary: boolean }[] = [];
    const url = await wsServer((ws) =>
      ws.on('message', (data, isBinary) => {
        seen.push({ data: String(data), isBinary });
        ws.send(JSON.stringify({ echo: JSON.parse(String(data)) as unknown }));
      }),
    );
    const exit = await sluice(['connect', url, '--codec', 'json'], { input: '{"n":1}\n"two"\n[3]\n' }).exited;
    expectExit(exit, 0);
    expect(seen.map((message) => message.isBinary)).toEqual([false, false, false]);
    expect(seen.map((message) => JSON.parse(message.data) as unknown)).toEqual([{ n: 1 }, 'two', [3]]);
    expect(exit.stdout).toBe('{"echo":{"n":1}}\n{"echo":"two"}\n{"echo":[3]}\n');
  });

  it('sends JSON lines as typed and prints replies as they came, a multi-line one on one line', {
    timeout: TIMEOUT,
  }, async () => {
    const seen: { data: string; isBinary: boolean }[] = [];
    const url = await wsServer((ws) =>
      ws.on('message', (data, isBinary) => {
        seen.push({ data: String(data), isBinary });
        ws.send(`{\n  "echo": ${String(data)}\n}`);
        ws.close(1000);
      }),
    );
    const exit = await sluice(['connect', url, '--codec', 'json'], { input: '12345678901234567890123\n' }).exited;
    expectExit(exit, 0);
    // Encoded again, the number would be 1.2345678901234568e+22.
    expect(seen).toEqual([{ data: '12345678901234567890123', isBinary: false }]);
    expect(exit.stdout).toBe('{ "echo": 12345678901234567890123 }\n');
  });

  it('reads until the server closes; a server that closes first while stdin is open is exit 1', {
    timeout: TIMEOUT,
  }, async () => {
    const url = await wsServer((ws) => {
      ws.send('{"greeting":"hi"}');
      ws.close(1000);
    });
    const exit = await sluice(['connect', url, '--codec', 'json'], { keepStdinOpen: true }).exited;
    expectExit(exit, 1);
    expect(exit.stdout).toBe('{"greeting":"hi"}\n');
    expect(exit.stderr).toMatch(/^sluice: the peer closed the connection before stdin ended$/m);
  });

  it('a connection dropped without a close frame: one line, ERR_WS_ABNORMAL_CLOSE, exit 1', {
    timeout: TIMEOUT,
  }, async () => {
    const url = await wsServer((ws) => ws.send('before\n', () => ws.terminate()));
    const run = sluice(['connect', url], { keepStdinOpen: true });
    const exit = await run.exited;
    expectExit(exit, 1);
    expect(exit.stdout).toBe('before\n');
    expect(exit.stderr).toMatch(/^sluice: WebSocket closed with code 1006.* \(ERR_WS_ABNORMAL_CLOSE\)$/m);
  });

  it('a message over --max-frame-length: one line, ERR_WS_MESSAGE_TOO_BIG, exit 1', { timeout: TIMEOUT }, async () => {
    const url = await wsServer((ws) => {
      ws.send('{"small":1}');
      ws.send(JSON.stringify({ big: 'x'.repeat(100) }));
    });
    const exit = await sluice(['connect', url, '--codec', 'json', '--max-frame-length', '50'], {
      keepStdinOpen: true,
    }).exited;
    expectExit(exit, 1);
    expect(exit.stdout).toBe('{"small":1}\n');
    expect(exit.stderr).toMatch(/^sluice: WebSocket closed with code 1009.* \(ERR_WS_MESSAGE_TOO_BIG\)$/m);
  });

  it('a message that is not JSON is a bad frame: one line, ERR_DECODE, exit 1', { timeout: TIMEOUT }, async () => {
    const url = await wsServer((ws) => {
      ws.send('{"a":1}');
      ws.send('nope');
    });
    const exit = await sluice(['connect', url, '--codec', 'json'], { keepStdinOpen: true }).exited;
    expectExit(exit, 1);
    expect(exit.stdout).toBe('{"a":1}\n');
    expect(exit.stderr).toMatch(/^sluice: the peer sent a bad frame: Invalid JSON.* \(ERR_DECODE\)$/m);
  });
});

describe('sluice connect ws:// failures', () => {
  it('a refused connection is one line and exit 1', { timeout: TIMEOUT }, async () => {
    const port = await closedPort();
    const exit = await sluice(['connect', `ws://127.0.0.1:${port}/`]).exited;
    expectExit(exit, 1);
    expect(exit.stderr).toBe(`sluice: connection refused by 127.0.0.1:${port}: is a server listening there?\n`);
  });

  it('a path the listener does not take is one line and exit 1', { timeout: TIMEOUT }, async () => {
    const { run: server, url } = await listenWs(['--path', '/chat']);
    const exit = await sluice(['connect', url.replace(/\/chat$/, '/other')]).exited;
    expectExit(exit, 1);
    expect(exit.stderr).toBe(
      'sluice: the server answered HTTP 404 instead of accepting the WebSocket (is the path right?)\n',
    );
    server.process.kill('SIGTERM');
    expectExit(await server.exited, 0);
  });

  it('bad URLs and flags that do not apply are one line and exit 2', { timeout: TIMEOUT }, async () => {
    const refused: [string[], RegExp][] = [
      [['connect', 'ws://127.0.0.1:99999/'], /^sluice: "ws:\/\/127\.0\.0\.1:99999\/" is not a valid URL/],
      [['connect', 'ws://'], /^sluice: "ws:\/\/" is not a valid URL/],
      [['connect', 'http://127.0.0.1:9000/'], /^sluice: .*a ws:\/\/ or wss:\/\/ URL for WebSocket \(not http:\/\/\)$/],
      [['connect', 'ws://127.0.0.1:0/'], /^sluice: the port in "ws:\/\/127\.0\.0\.1:0\/" must be from 1 to 65535$/],
      [['connect', 'ws://127.0.0.1:9000/', '--tls'], /^sluice: --tls does not apply to a WebSocket URL/],
      [['connect', 'ws://127.0.0.1:9000/', '--ca', 'ca.crt'], /^sluice: --ca only applies to wss:\/\/ URLs$/],
      [['connect', 'wss://127.0.0.1:9000/', '--ca', 'missing/ca.crt'], /^sluice: cannot read --ca "missing\/ca\.crt"/],
      [['connect', '127.0.0.1:9000', '--codec', 'messages'], /^sluice: --codec messages only applies to WebSocket/],
      [
        ['connect', '127.0.0.1:9000', '--linger', '5'],
        /^sluice: --linger only applies to ws:\/\/ and wss:\/\/ URLs, and with --udp$/,
      ],
      [['listen', '--port', '0', '--path', '/chat'], /^sluice: --path only applies with --ws$/],
      [['listen', '--port', '0', '--ws', '--path', 'chat'], /^sluice: --path must be a URL path such as \/chat/],
      [['connect', 'ws://127.0.0.1:9000/', '--path', '/x'], /^sluice: --path is a listen option/],
    ];
    const exits: Exit[] = [];
    for (let i = 0; i < refused.length; i += 4) {
      // A few processes at a time, for machines with few cores.
      exits.push(...(await Promise.all(refused.slice(i, i + 4).map(([args]) => sluice(args).exited))));
    }
    exits.forEach((exit, i) => {
      const [args, message] = refused[i] as [string[], RegExp];
      expectExit(exit, 2);
      expect(exit.stderr.trimEnd(), args.join(' ')).toMatch(message);
      expect(exit.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    });
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

  it('connect ws:// reads only as fast as stdout drains: the server is held back', { timeout: TIMEOUT }, async () => {
    let accepted: (ws: WebSocket) => void = () => {};
    const connected = new Promise<WebSocket>((resolve) => (accepted = resolve));
    const url = await wsServer((ws) => accepted(ws));
    const run = sluice(['connect', url, '-q'], { pauseStdout: true });
    const ws = await connected;
    const { sent, heldBack } = await flood(ws, heldBackBound());
    expect(heldBack, `the CLI took ${(sent / 2 ** 20).toFixed(1)} MiB while its stdout was not read`).toBe(true);
    // Read again, everything held back comes through; then the server ends it.
    let received = 0;
    run.process.stdout.on('data', (chunk: Buffer) => (received += chunk.length));
    ws.close(1000);
    expectExit(await run.exited, 0);
    expect(received).toBe(sent);
  });

  it('listen --ws reads only as fast as stdout drains: the client is held back', { timeout: TIMEOUT }, async () => {
    const { run, url } = await listenWs(['--once'], { pauseStdout: true });
    const ws = new WebSocket(url);
    ws.on('error', () => {});
    await once(ws, 'open');
    const { sent, heldBack } = await flood(ws, heldBackBound());
    expect(heldBack, `the CLI took ${(sent / 2 ** 20).toFixed(1)} MiB while its stdout was not read`).toBe(true);
    let received = 0;
    run.process.stdout.on('data', (chunk: Buffer) => (received += chunk.length));
    ws.close(1000);
    expectExit(await run.exited, 0);
    expect(received).toBe(sent);
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

/** 64 KiB text messages of 1 KiB lines. */
const LINE = `${'x'.repeat(1023)}\n`;
const MESSAGE = LINE.repeat(64);

/** As in cli-pipes.test.ts: the kernel's largest TCP buffers both ways, plus 8 MiB for the CLI's own. */
function heldBackBound(): number {
  const largest = (file: string, fallback: number) => {
    try {
      return Number(readFileSync(file, 'utf8').trim().split(/\s+/)[2]) || fallback;
    } catch {
      return fallback;
    }
  };
  return largest('/proc/sys/net/ipv4/tcp_rmem', 6 << 20) + largest('/proc/sys/net/ipv4/tcp_wmem', 4 << 20) + (8 << 20);
}

/**
 * Sends 64 KiB messages, each once the one before has gone out to the
 * socket, until `limit` bytes are sent or one has not gone out for
 * `quietMs` (held back). The quiet wait only decides when to stop looking.
 */
async function flood(ws: WebSocket, limit: number, quietMs = 1000): Promise<{ sent: number; heldBack: boolean }> {
  let sent = 0;
  while (sent < limit) {
    sent += MESSAGE.length;
    const out = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), quietMs);
      ws.send(MESSAGE, (error) => {
        clearTimeout(timer);
        resolve(error === undefined || error === null);
      });
    });
    if (!out) return { sent, heldBack: true };
  }
  return { sent, heldBack: false };
}
