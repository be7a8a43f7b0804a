/**
 * The real `sluice` process with input it cannot send as it stands: stdin
 * lines that are not JSON, not UTF-8 (for text codecs) or over --max-frame-length
 * are reported in one line each and skipped, while the lines around them go
 * through; binary codecs send a line's bytes untouched; and what `-o hex`
 * shows of the frames received.
 */
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { expectExit, memoryOf, sluice, sluiceListen } from './support/sluice-cli.js';

const TIMEOUT = 20_000;

describe('sluice connect: stdin lines that cannot be frames', () => {
  it('sends a JSON value followed by a blank line and prints its reply (blank lines are skipped)', {
    timeout: TIMEOUT,
  }, async () => {
    const { run: server, port } = await sluiceListen(['--codec', 'json', '--echo', '--once']);
    const client = sluice(['connect', `127.0.0.1:${port}`, '--codec', 'json'], { input: '{"a":1}\n\n' });
    const exit = await client.exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe('{"a":1}\n');
    expect(exit.stderr).toMatch(/sent 1 frame \(8 bytes\), received 1 frame \(8 bytes\)/);
    expectExit(await server.exited, 0);
  });

  it('skips a line that is not JSON with one line on stderr, and sends the values around it', {
    timeout: TIMEOUT,
  }, async () => {
    const { run: server, port } = await sluiceListen(['--codec', 'json', '--echo', '--once']);
    const input = '{"a":1}\nnot json\n[2,3]\n';
    const exit = await sluice(['connect', `127.0.0.1:${port}`, '--codec', 'json'], { input }).exited;
    expectExit(exit, 1); // something was left out: the exit code says so
    expect(exit.stdout).toBe('{"a":1}\n[2,3]\n');
    expect(exit.stderr).toMatch(/^sluice: stdin line 2 skipped: not JSON: .* \(ERR_DECODE\)$/m);
    expect(exit.stderr).toMatch(/^sluice: 1 stdin line skipped$/m);
    expectExit(await server.exited, 0);
  });

  it('skips a line over --max-frame-length (ERR_FRAME_TOO_LONG) and goes on', { timeout: TIMEOUT }, async () => {
    const { run: server, port } = await sluiceListen(['--echo', '--once']);
    const input = `short\n${'x'.repeat(100)}\nok\n`;
    const exit = await sluice(['connect', `127.0.0.1:${port}`, '--max-frame-length', '20'], { input }).exited;
    expectExit(exit, 1);
    expect(exit.stdout).toBe('short\nok\n');
    expect(exit.stderr).toMatch(/^sluice: stdin line 2 skipped: .+ \(ERR_FRAME_TOO_LONG\)$/m);
    expectExit(await server.exited, 0);
  });
});

describe('sluice connect --codec json: values as typed', () => {
  it('sends each line as typed once it parses, listen --echo sends it back as it came, and connect prints it so', {
    timeout: TIMEOUT,
  }, async () => {
    const { run: server, port } = await sluiceListen(['--codec', 'json', '--echo', '--once']);
    // Encoded again, the number would be 1.2345678901234568e+22 and the object {"a":1.5}.
    const input = '12345678901234567890123\n{ "a" : 1.50 }\n';
    const exit = await sluice(['connect', `127.0.0.1:${port}`, '--codec', 'json'], { input }).exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe(input);
    expect(exit.stderr).toMatch(/sent 2 frames \(39 bytes\), received 2 frames \(39 bytes\)/);
    expectExit(await server.exited, 0);
  });
});

describe('sluice connect: a stdin line far over the limit', () => {
  const MiB = 1024 * 1024;
  /** Bytes typed without a newline: held whole, far more than the CLI's own footprint. */
  const LONG = 256 * MiB;
  // "Holding little of it": holding the line would take all of it. The peak also counts stdin's chunks
  // not yet collected, which depends on the Node major's GC: 35–48 MB on Node 20, 51–76 MB on Node 24
  // (93 MB once under CI's load).
  const LITTLE = LONG / 2;

  /**
   * Pipes LONG bytes of one line (of `fill`), then `\n1\n`, into `connect …args` against a
   * node:net peer that counts what arrives; resolves to the exit, the bytes the
   * peer got, and how far the CLI's peak memory rose over its size once connected.
   */
  async function pipeLongLine(args: string[], fill = 'x') {
    let received = 0;
    const server = net.createServer();
    const connected = new Promise<void>((resolve) => {
      server.once('connection', (socket) => {
        socket.on('data', (chunk: Buffer) => (received += chunk.length));
        socket.on('end', () => socket.end());
        resolve();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const run = sluice(['connect', `127.0.0.1:${port}`, '-q', ...args], { keepStdinOpen: true, timeout: 55_000 });
    await connected;
    const before = memoryOf(run.process.pid, 'VmRSS');
    const chunk = Buffer.alloc(MiB, fill);
    const stdin = run.process.stdin;
    for (let sent = 0; sent < LONG; sent += MiB) if (!stdin.write(chunk)) await once(stdin, 'drain');
    // Read while the CLI is still running (stdin is open): once it exits, /proc has nothing to say.
    const peak = memoryOf(run.process.pid, 'VmHWM');
    stdin.end('\n1\n');
    const exit = await run.exited;
    server.close();
    return {
      exit,
      received,
      growth: (peak ?? 0) - (before ?? 0),
      measured: before !== undefined && peak !== undefined,
    };
  }

  for (const [codec, sent] of [
    ['lines', 2],
    ['json', 2],
    ['lp', 5],
    ['varint', 2],
  ] as const) {
    it(`--codec ${codec} refuses it while reading (ERR_FRAME_TOO_LONG), holding little of it, and sends the next line`, {
      timeout: 60_000,
    }, async () => {
      const { exit, received, growth, measured } = await pipeLongLine(['--codec', codec, '--max-frame-length', '1024']);
      expectExit(exit, 1);
      expect(exit.stderr).toMatch(
        /^sluice: stdin line 1 skipped: Line too long: \d+ bytes, limit 1024 \(ERR_FRAME_TOO_LONG\)$/m,
      );
      expect(exit.stderr).toMatch(/^sluice: 1 stdin line skipped$/m);
      expect(received).toBe(sent); // the line after it, framed
      if (measured) expect(growth, `peak memory grew by ${growth} bytes`).toBeLessThan(LITTLE);
    });
  }

  it('--codec text (unframed) sends it on in pieces as it arrives, never cutting a character, holding little of it', {
    timeout: 60_000,
  }, async () => {
    // Two-byte characters: a piece cut inside one would be refused as not UTF-8.
    const { exit, received, growth, measured } = await pipeLongLine(['--codec', 'text'], 'é');
    expectExit(exit, 0);
    expect(received).toBe(LONG + 3);
    if (measured) expect(growth, `peak memory grew by ${growth} bytes`).toBeLessThan(LITTLE);
  });
});

describe('sluice connect: stdin bytes that are not UTF-8', () => {
  /** Starts `listen --once -o hex` with `codecArgs`, sends `input` with `connect`; resolves to both exits. */
  async function send(codecArgs: string[], input: Uint8Array) {
    const { run: server, port } = await sluiceListen([...codecArgs, '--once', '-o', 'hex']);
    const client = await sluice(['connect', `127.0.0.1:${port}`, ...codecArgs], { input }).exited;
    return { client, server: await server.exited };
  }
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

  it('lp and varint send the raw bytes of each line (without its newline), never U+FFFD', {
    timeout: TIMEOUT,
  }, async () => {
    const input = bytes([0x80, 0x81], '\n', [0xff, 0x00, 0xfe], '\r\n');
    const runs = await Promise.all([send(['--codec', 'lp'], input), send(['--codec', 'varint'], input)]);
    for (const { client, server } of runs) {
      expectExit(client, 0);
      expectExit(server, 0);
      expect(server.stdout).toBe('8081\nff00fe\n');
      expect(client.stderr).toMatch(/sent 2 frames/);
    }
  });

  it('lines, json and text refuse a line that is not UTF-8 with one line naming it (ERR_DECODE), and send the rest', {
    timeout: TIMEOUT,
  }, async () => {
    const [lines, json, text] = await Promise.all([
      send([], bytes('ok\n', [0x80, 0x81], '\nafter\n')),
      send(['--codec', 'json'], bytes('1\n"', [0xc3, 0x28], '"\n2\n')),
      send(['--codec', 'text'], bytes('ok\n', [0xe2, 0x82], '\nafter\n')),
    ]);
    const hex = (text: string) => Buffer.from(text).toString('hex');
    expect(lines.server.stdout).toBe(`${hex('ok')}\n${hex('after')}\n`);
    expect(json.server.stdout).toBe(`${hex('1')}\n${hex('2')}\n`);
    // text frames are whatever chunks arrived: joined, they are the good lines and nothing else.
    expect(text.server.stdout.split('\n').join('')).toBe(hex('ok\nafter\n'));
    for (const { client, server } of [lines, json, text]) {
      expectExit(client, 1); // something was left out: the exit code says so
      expectExit(server, 0);
      expect(server.stdout).not.toContain('efbfbd'); // U+FFFD
      expect(client.stderr).toMatch(/^sluice: stdin line 2 skipped: not valid UTF-8 \(ERR_DECODE\)$/m);
      expect(client.stderr).toMatch(/^sluice: 1 stdin line skipped$/m);
    }
  });
});

describe('sluice listen -o hex', () => {
  /** Starts `listen --once -o hex`, sends `bytes` from a plain node:net peer, resolves to what it printed. */
  async function hexOf(codecArgs: string[], bytes: Buffer): Promise<string> {
    const { run, port } = await sluiceListen([...codecArgs, '--once', '-o', 'hex']);
    const peer = net.connect(port, '127.0.0.1');
    await once(peer, 'connect');
    peer.end(bytes);
    const exit = await run.exited;
    expectExit(exit, 0);
    return exit.stdout;
  }

  it('shows the bytes each frame arrived as, for every codec', { timeout: TIMEOUT }, async () => {
    const [json, lines, lp] = await Promise.all([
      // The line as sent, spaces and all, not the value encoded again.
      hexOf(['--codec', 'json'], Buffer.from('{ "a" : 1 }\n"s"\n')),
      hexOf([], Buffer.from('é\r\nb\n')),
      hexOf(['--codec', 'lp', '--width', '1'], Buffer.from([2, 0xff, 0x00])),
    ]);
    expect(json).toBe(`${Buffer.from('{ "a" : 1 }').toString('hex')}\n${Buffer.from('"s"').toString('hex')}\n`);
    expect(lines).toBe('c3a9\n62\n'); // UTF-8 of each line, without its delimiter
    expect(lp).toBe('ff00\n');
  });
});
