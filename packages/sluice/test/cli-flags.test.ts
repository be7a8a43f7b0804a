/**
 * The real `sluice` process and its command line: flags that would be
 * ignored, or that belong to the other command, are errors (exit code 2, one
 * line), values that start with '-' get the flag's own check, ports are decimal numbers,
 * IPv6 goes in brackets both ways, `listen --tls` reports failed handshakes
 * and carries on, `--version` exists, and `pnpm sluice` works from the
 * repository root.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/child.js';
import { expectExit, sluice, sluiceListen } from './support/sluice-cli.js';

const TIMEOUT = 90_000; // a guard against a hang: dozens of CLI processes, which a loaded machine starts slowly
const FIXTURES = 'packages/net/test/fixtures';
const VERSION = (JSON.parse(readFileSync(`${ROOT}/packages/sluice/package.json`, 'utf8')) as { version: string })
  .version;

/** Command lines the CLI must refuse, and the one line it must say. */
const refused: [string[], RegExp][] = [
  [['listen', '--port', '0', '--key', 'server.key'], /^sluice: --key only applies with --tls$/],
  [['listen', '--port', '0', '--cert', 'server.crt'], /^sluice: --cert only applies with --tls$/],
  [['connect', ':9000', '--ca', 'ca.crt'], /^sluice: --ca only applies with --tls$/],
  [['connect', ':9000', '--insecure'], /^sluice: --insecure only applies with --tls$/],
  [['listen', '--port', '0', '--width', '2'], /^sluice: --width only applies to --codec lp$/],
  [['connect', ':9000', '--codec', 'varint', '--endian', 'le'], /^sluice: --endian only applies to --codec lp$/],
  [
    ['listen', '--port', '0', '--codec', 'json', '--delimiter', ';'],
    /^sluice: --delimiter only applies to --codec lines$/,
  ],
  ...['', '1e3', '0x2328', '-1', '70000'].map((port): [string[], RegExp] => [
    ['listen', `--port=${port}`],
    new RegExp(`^sluice: --port must be a whole number from 0 to 65535, got "${port}"$`),
  ]),
  // A value that starts with '-' is the flag's value, checked like any other (not parseArgs' "ambiguous").
  [['listen', '--port', '-1'], /^sluice: --port must be a whole number from 0 to 65535, got "-1"$/],
  [
    ['listen', '--port', '0', '--idle-timeout', '-1'],
    /^sluice: --idle-timeout must be milliseconds \(0 or more\), got "-1"$/,
  ],
  [['connect', ':9000', '--timeout', '-1'], /^sluice: --timeout must be milliseconds \(0 or more\), got "-1"$/],
  [
    ['connect', ':9000', '--max-frame-length', '-5'],
    /^sluice: --max-frame-length must be a positive whole number of bytes, got "-5"$/,
  ],
  [['listen'], /^sluice: --port is required \(0 picks a free port\)$/],
  [['listen', '--port', '--echo'], /^sluice: --port needs a value$/],
  [['connect', ':9000', '-o'], /^sluice: --output needs a value$/],
  // A flag of the other command, or of none, in one short line.
  [['connect', ':9000', '--key', 'x'], /^sluice: --key is a listen option; connect takes --tls, --ca, --insecure$/],
  [
    ['connect', ':9000', '--port', '9000'],
    /^sluice: --port is a listen option; connect takes the address as HOST:PORT$/,
  ],
  [['listen', '--port', '0', '--ca', 'x'], /^sluice: --ca is a connect option; listen takes --tls, --key, --cert$/],
  [['listen', '--port', '0', '--timeout', '5'], /^sluice: --timeout is a connect option \(see sluice listen --help\)$/],
  [['connect', ':9000', '--bogus'], /^sluice: unknown option --bogus \(see sluice connect --help\)$/],
  [['connect', '127.0.0.1:1e3'], /^sluice: the port in "127\.0\.0\.1:1e3" must be a whole number from 1 to 65535/],
  [['connect', '::1:9000'], /^sluice: "::1:9000" is not a HOST:PORT address .*\[::1\]:9000$/],
  // A host alone: the port was forgotten (a socket file's missing ./ is the less likely slip).
  [['connect', '127.0.0.1'], /^sluice: "127\.0\.0\.1" is missing :PORT \(for example 127\.0\.0\.1:9000\)$/],
  [
    ['connect', 'localhost'],
    /^sluice: "localhost" is missing :PORT \(for example localhost:9000\); for a Unix socket write \.\/localhost or unix:localhost$/,
  ],
  // A misspelt codec or command gets the "did you mean" a misspelt flag gets.
  [['connect', ':9000', '--codec', 'lnes'], /^sluice: unknown codec "lnes": did you mean lines\? \(choose lines, lp,/],
  [['lisen', '--port', '0'], /^sluice: unknown command "lisen" \(did you mean listen\? try sluice --help\)$/],
  // A value with a line break is shown whole, escaped: never cut at its first line with a dangling quote.
  [['connect', 'a\nb:1'], /^sluice: "a\\nb:1" is not a HOST:PORT address \(for example 127\.0\.0\.1:9000\)$/],
  [['connect', ':9000', '--timeout', 'soon'], /^sluice: --timeout must be milliseconds/],
  [['listen', '--port', '0', '--idle-timeout', '1.5'], /^sluice: --idle-timeout must be milliseconds/],
  // A flag that takes one value, given twice: parseArgs kept the last in silence.
  [['listen', '--port', '1', '--port', '0'], /^sluice: --port was given twice \("1", then "0"\): give it once$/],
  [['connect', ':9000', '-o', 'hex', '--output=json'], /^sluice: --output was given twice \("hex", then "json"\)/],
  // A backslash --delimiter does not know is refused, never taken literally.
  [
    ['listen', '--port', '0', '--delimiter', 'a\\q'],
    /^sluice: --delimiter has an unknown escape "\\q" in "a\\q" \(it takes \\0 or \\x00, .*\)$/,
  ],
  [['listen', '--port', '0', '--delimiter', '\\x80'], /^sluice: --delimiter has an unknown escape "\\x80"/],
  // TLS files that are not what they should be are named, with OpenSSL's reason (not its raw text).
  [
    ['listen', '--port', '0', '--tls', '--key', `${FIXTURES}/server.key`, '--cert', 'package.json'],
    /^sluice: --cert "package\.json" is not a PEM certificate: no start line$/,
  ],
  [
    ['listen', '--port', '0', '--tls', '--key', 'package.json', '--cert', `${FIXTURES}/server.crt`],
    /^sluice: --key "package\.json" is not a PEM private key: [a-z ]+$/,
  ],
  [
    ['listen', '--port', '0', '--tls', '--key', `${FIXTURES}/server.key`, '--cert', `${FIXTURES}/client.crt`],
    /^sluice: --key ".*server\.key" is not the key of --cert ".*client\.crt": key values mismatch$/,
  ],
  [['connect', ':9000', '--tls', '--ca', 'package.json'], /^sluice: --ca "package\.json" holds no PEM certificate/],
  // A file flag reads a bounded amount: /dev/zero never ends.
  [
    ['listen', '--port', '0', '--tls', '--key', '/dev/zero', '--cert', `${FIXTURES}/server.crt`],
    /^sluice: --key "\/dev\/zero" is over 1 MiB: expected a PEM file$/,
  ],
  // Node's "ENOENT: no such file or directory, open … (ENOENT)" said the code twice.
  [
    ['connect', ':9000', '--tls', '--ca', 'missing/ca.crt'],
    /^sluice: cannot read --ca "missing\/ca\.crt": no such file$/,
  ],
];

/** Runs `jobs` with at most `limit` at once: a process each, on a machine with few cores. */
async function inBatches<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < jobs.length; i += limit)
    results.push(...(await Promise.all(jobs.slice(i, i + limit).map((job) => job()))));
  return results;
}

describe('sluice command-line checks', () => {
  it('refuses flags that would be ignored and numbers that are not ports, in one line with exit code 2', {
    timeout: TIMEOUT,
  }, async () => {
    const exits = await inBatches(
      refused.map(
        ([args]) =>
          () =>
            sluice(args).exited,
      ),
      4,
    );
    exits.forEach((exit, i) => {
      const [args, message] = refused[i] as [string[], RegExp];
      expectExit(exit, 2);
      expect(exit.stderr.trimEnd(), args.join(' ')).toMatch(message);
      expect(exit.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    });
  });

  it('--delimiter takes \\x00 and \\0 as a NUL byte (and says so in --help)', { timeout: TIMEOUT }, async () => {
    for (const delimiter of ['\\x00', '\\0']) {
      const { run, port } = await sluiceListen(['--delimiter', delimiter, '--once', '-o', 'hex']);
      const peer = net.connect(port, '127.0.0.1');
      await once(peer, 'connect');
      peer.end('a\0b\\x00c\0');
      const exit = await run.exited;
      expectExit(exit, 0);
      expect(exit.stdout, delimiter).toBe(`61\n${Buffer.from('b\\x00c').toString('hex')}\n`);
    }
    for (const command of ['listen', 'connect']) {
      const help = (await sluice([command, '--help']).exited).stdout;
      expect(help, command).toMatch(/--delimiter D .*\n\s+\\0 or \\x00, \\xHH up to \\x7f, \\n, \\r, \\t, \\\\\n/);
    }
  });

  it('--help shows --codec as optional (it defaults to lines)', { timeout: TIMEOUT }, async () => {
    const exit = await sluice(['--help']).exited;
    expectExit(exit, 0);
    // --udp takes no --codec: a datagram is one frame.
    const usage = exit.stdout.split('\n').filter((line) => /^\s+sluice (listen|connect) +(?! |--udp)/.test(line));
    expect(usage).toHaveLength(3);
    for (const line of usage) expect(line).toContain('[--codec C]');
  });

  it('--version, -v and version print the package version', { timeout: TIMEOUT }, async () => {
    for (const flag of ['--version', '-v', 'version']) {
      const exit = await sluice([flag]).exited;
      expectExit(exit, 0);
      expect(exit.stdout, flag).toBe(`${VERSION}\n`);
    }
  });

  it('runs as `pnpm sluice` from the repository root', { timeout: TIMEOUT }, async (context) => {
    const run = promisify(execFile)('pnpm', ['--silent', 'sluice', '--version'], { cwd: ROOT });
    const { stdout } = await run.catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') context.skip('pnpm is not on PATH');
      throw error;
    });
    expect(stdout).toBe(`${VERSION}\n`);
  });
});

describe('sluice addresses and TLS', () => {
  it('prints and accepts IPv6 addresses as [::1]:port', { timeout: TIMEOUT }, async (context) => {
    const probe = net.createServer().listen(0, '::1');
    const [bound] = await Promise.race([
      once(probe, 'listening').then(() => [true]),
      once(probe, 'error').then(() => [false]),
    ]);
    probe.close();
    if (!bound) context.skip('no IPv6 loopback here');
    const { run: server, port } = await sluiceListen(['--host', '::1', '--echo', '--once']);
    expect(server.stderr()).toMatch(/^sluice: listening on \[::1\]:\d+ /m);
    const client = await sluice(['connect', `[::1]:${port}`, '--timeout', '5000'], { input: 'over v6\n' }).exited;
    expectExit(client, 0);
    expect(client.stdout).toBe('over v6\n');
    const exit = await server.exited;
    expectExit(exit, 0);
    expect(exit.stderr).toMatch(/^sluice: \[::1\]:\d+ connected$/m);
  });

  it('listen --tls reports a failed handshake in one plain line and carries on', { timeout: TIMEOUT }, async () => {
    const tls = ['--tls', '--key', `${FIXTURES}/server.key`, '--cert', `${FIXTURES}/server.crt`];
    const { run: server, port } = await sluiceListen([...tls, '--echo', '--once']);
    const plain = net.connect(port, '127.0.0.1');
    plain.on('error', () => {});
    plain.end('this is not a TLS ClientHello\n');
    const [failed] = await server.waitFor(/^sluice: TLS handshake failed: .+$/m);
    // OpenSSL's reason, not its raw text with a C source file and line.
    expect(failed).toMatch(/^sluice: TLS handshake failed: [a-z ]+ \(ERR_TLS_HANDSHAKE\)$/);
    const client = sluice(['connect', `localhost:${port}`, '--tls', '--ca', `${FIXTURES}/ca.crt`], { input: 'safe\n' });
    const exit = await client.exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe('safe\n');
    expectExit(await server.exited, 0);
  });
});
