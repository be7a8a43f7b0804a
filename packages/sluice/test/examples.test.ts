/**
 * Every program in examples/ runs here, as a newcomer would run it
 * (`node --import tsx examples/<name>.ts` from the repository root), with
 * SLUICE_EXAMPLE_ONCE=1 so that it ends by itself. Each must exit with 0 and
 * print what shows it worked. A new example without an entry here fails the
 * first test, so none can go untested. The examples that need a peer run in
 * examples-peers.test.ts, and what they say when they cannot run in
 * examples-failures.test.ts; here also, how the servers say they are serving.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, type PackageName } from '../../../test-support/built.js';
import { describeExit, ROOT, runTs } from './support/child.js';
import { runExample, TIMEOUT } from './support/examples.js';

interface Expectation {
  /** Extra environment. */
  env?: Record<string, string>;
  /** Patterns stdout must match. */
  stdout: RegExp[];
  /** More checks of stdout. */
  check?: (stdout: string) => void;
  /** Packages whose built `dist/` the example serves (rebuilt first if stale). */
  build?: PackageName[];
}

/** Examples that run alone, and what their output must show. */
const standalone: Record<string, Expectation> = {
  'demo.ts': {
    env: { DEMO_CLIENTS: '10', DEMO_FRAMES: '50' },
    stdout: [
      /lines .*\| yes/,
      /length-prefixed .*\| yes/,
      /json .*\| yes/,
      /rxjs .*\| yes/,
      /Every frame came back intact/,
    ],
  },
  'multi-client.ts': { stdout: [/50 clients each got their 20 lines back/] },
  'chat.ts': {
    stdout: [/alice heard: \[\s*'<bob> hi from bob'/, /every member heard every other member/, /chat server stopped/],
  },
  'reconnecting-chat.ts': {
    stdout: [
      /<alice> before the restart/,
      /cannot reach 127\.0\.0\.1:\d+ \(connect ECONNREFUSED .*\); retrying in \d+ ms/,
      /the room heard every line, in order, across the restart/,
    ],
  },
  'json-rpc.ts': {
    stdout: [
      /add\(2, 3\) = 5/,
      /slowSquare\(12\) = 144/,
      /server log: a notification/,
      /nope\(\) failed: Method not found/,
      /add\('two', 2\) failed: Invalid params/,
    ],
  },
  'json-rpc-client-server.ts': {
    stdout: [
      /notification: welcome/,
      /slowSquare\(12\) = 144, add\(2, 3\) = 5/,
      /nope\(\) failed: Method not found: nope \(-32601\)/,
      /sleep\(\) failed: ERR_REQUEST_TIMEOUT/,
      /requests pending: 0/,
      /JSON-RPC server stopped/,
    ],
  },
  'pipeline.ts': {
    stdout: [
      /(readings \d+\.\.\d+: 100 good, mean [\d.]+ °F\n){5}/,
      /client: read \d+ readings, dropped \d+ broken ones/,
      /sensor server stopped/,
    ],
    check(stdout) {
      // What the loop read: the 500 good readings it summarised (and perhaps a few it pulled for a
      // sixth batch) and the broken ones; not counters.framesIn, which counts every frame decoded.
      const [, read, broken, decoded] = (/client: read (\d+) readings, dropped (\d+) .*\((\d+) decoded\)/.exec(
        stdout,
      ) ?? []) as string[];
      const good = Number(read) - Number(broken);
      expect(good, stdout).toBeGreaterThanOrEqual(500);
      expect(good, stdout).toBeLessThan(600);
      expect(Number(read)).toBeLessThanOrEqual(Number(decoded));
    },
  },
  'udp.ts': { stdout: [/reply from 127\.0\.0\.1:\d+: PING 1/, /3 of 3 pings answered/] },
  'tls.ts': {
    stdout: [
      /secure echo: hello\nsecure echo: over TLS/,
      /a client without our CA: refused as expected/,
      /^server: TLS handshake failed: [^\n]+$/m, // its side of that client
    ],
    check(stdout) {
      expect(stdout).not.toMatch(/TLS handshake failed: TLS handshake failed/);
    },
  },
  'rx-echo.ts': { stdout: [/OBSERVABLES/, /server stopped/] },
  'cluster.ts': { stdout: [/"event":"restarted"/, /"event":"summary","ok":true/] },
  'metrics.ts': {
    stdout: [
      /bad frame from .*: ERR_FRAME_TOO_LONG/,
      /sluice_connections_accepted_total 22\n/,
      /sluice_connection_errors_total\{code="ERR_FRAME_TOO_LONG"\} 1\n/,
      /the scrape shows every connection/,
    ],
  },
  'ipc.ts': {
    stdout: [
      /control socket at \/\S*sluice-ipc-\d+\.sock\n/,
      /\{"cmd":"echo","text":"hello over IPC"\} -> \{"ok":true,"text":"hello over IPC"\}/,
      /\{"cmd":"status"\} -> \{"ok":true,"uptimeMs":\d+,"clients":1,"served":1\}/,
      /\{"cmd":"reboot"\} -> \{"ok":false,"error":"unknown command: /,
      /control socket closed/,
    ],
  },
  'ws-http-server.ts': {
    stdout: [
      /GET \/health: 200 \{"ok":true\}/,
      /\/echo: \{"hello":"from a client","n":1\}/,
      /\/shout: QUIET WORDS/,
      /\/nowhere: .*answered HTTP 404/,
      /listeners listening: false; the server: true\nserver stopped/,
    ],
  },
  'ws-express.ts': {
    stdout: [
      /ws: now \{"hits":0\}/,
      /POST \/hits -> \{"hits":1\}; ws heard \{"hits":1\}/,
      /POST \/hits -> \{"hits":3\}; ws heard \{"hits":3\}/,
      /Express and the WebSocket path stopped/,
    ],
  },
  'custom-transport.ts': {
    stdout: [
      /1000 of 1000 jobs answered over a MessagePort, sums adding up to 95095000/,
      /main sent (\d+) bytes, the worker read \1\n/,
      /writes waited for the worker's acknowledgements [1-9]\d* times/, // backpressure over the port
      /both ends closed: true/,
    ],
  },
  'web-streams.ts': {
    stdout: [
      /server: 20000 lines, 200 errors, (\d+) bytes gzipped\nclient: \1 bytes sent/,
      /1 connection served, 0 failed/,
    ],
  },
  // In a browser too: web-example.test.ts.
  'browser/server.ts': {
    stdout: [
      /GET \/ 200, GET \/app\.js 200\n/,
      /node webSocket\$ got \{"type":"stats","elu":[\d.]+,"heapMB":[\d.]+,"clients":1\}/,
      /node webSocket\$ got \{"type":"pong","id":2\}/,
      /connections opened: 2\nbrowser example stopped/, // the first dropped with code 4000, retry() made the second
    ],
  },
  // In a browser too: web-example.test.ts.
  'web/server.ts': {
    build: ['core', 'codec', 'connection', 'ws'],
    stdout: [
      /GET \/ 200; \/app\.js 200, \/lib\/core\/index\.js 200, .*\/lib\/ws\/browser\.js 200\n/,
      /bob joined as guest-\d+, 2 online/,
      /bob heard <alice> hello from Node/,
      /alice heard <bob> hi alice/,
      /every member heard every message\nweb example stopped/,
    ],
  },
};

/** Examples that need a peer (tested one by one in examples-peers.test.ts), or tested where said. */
const special = {
  'echo-server.ts': 'run with echo-client.ts',
  'echo-client.ts': 'run against echo-server.ts',
  'redis-resp.ts': 'run against a real redis-server',
  'chat-redis.ts': 'three servers sharing a room through a real redis-server: tested by chat-redis.test.ts',
  'resp-codec.ts': 'a module, not a program: tested by resp-codec.test.ts and through redis-resp.ts',
  'resp-cli-codec.ts': 'a codec module for the CLI: tested by cli-codec-module.test.ts against a real redis-server',
  'browser/app.ts': "the page's program: bundled by browser/server.ts, run in Chromium by web-example.test.ts",
  'browser/messages.ts': 'a module, not a program: the types browser/server.ts and browser/app.ts share',
};

/** The examples' TypeScript files, relative to examples/. Scratch files (a name containing "tmp") are not examples. */
function exampleFiles(): string[] {
  return readdirSync(`${ROOT}/examples`, { recursive: true, encoding: 'utf8' }).filter(
    (name) => name.endsWith('.ts') && !name.includes('tmp'),
  );
}

describe('examples/', () => {
  it('every example has a test and a top comment saying what it shows and how to run it', () => {
    const files = exampleFiles();
    const covered = new Set([...Object.keys(standalone), ...Object.keys(special)]);
    expect(
      files.filter((name) => !covered.has(name)),
      'examples without a test in examples.test.ts',
    ).toEqual([]);
    expect(
      [...covered].filter((name) => !files.includes(name)),
      'tests of examples that no longer exist',
    ).toEqual([]);
    const topComment = (file: string) =>
      /^\/\*\*([\s\S]*?)\*\//.exec(readFileSync(`${ROOT}/examples/${file}`, 'utf8'))?.[1];
    expect(
      files.filter((file) => topComment(file) === undefined),
      'examples that do not start with a comment saying what they show',
    ).toEqual([]);
    expect(
      files.filter((file) => !/\b(run|pnpm|tsx)\b|not a program|a module, not/i.test(topComment(file) ?? '')),
      'examples whose top comment says neither how to run them nor that they are not a program',
    ).toEqual([]);
  });

  it('the servers listen on ports of their own by default, so that any two can run at once', () => {
    const owners = new Map<number, string[]>();
    for (const file of exampleFiles()) {
      if (file === 'echo-client.ts') continue; // it connects to echo-server.ts's port
      const source = readFileSync(`${ROOT}/examples/${file}`, 'utf8');
      // `process.env.PORT ?? 7000`, `process.env.METRICS_PORT ?? (ONCE ? 0 : 9464)`, `process.env['PORT'] ?? …`
      for (const [, port] of source.matchAll(/PORT'?\]?\s*\?\?\s*\(?(?:\w+\s*\?\s*0\s*:\s*)?(\d+)/g)) {
        owners.set(Number(port), [...(owners.get(Number(port)) ?? []), file]);
      }
    }
    expect(owners.size, 'default ports found').toBeGreaterThanOrEqual(8);
    expect([...owners].filter(([, files]) => files.length > 1)).toEqual([]);
  });

  for (const [file, expected] of Object.entries(standalone)) {
    it(`${file} runs to completion and shows it worked`, { timeout: TIMEOUT }, async () => {
      if (expected.build !== undefined) await ensureBuilt(expected.build);
      const { stdout } = await runExample(file, expected.env);
      for (const pattern of expected.stdout) expect(stdout).toMatch(pattern);
      expected.check?.(stdout);
    });
  }

  it('the servers say, once serving, how to try them (with the port they bound) and that Ctrl-C stops them', {
    timeout: 4 * TIMEOUT,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-serving-'));
    const servers = [
      'echo-server.ts',
      'chat.ts',
      'ipc.ts',
      'json-rpc.ts',
      'metrics.ts',
      'pipeline.ts',
      'tls.ts',
      'udp.ts',
      'ws-express.ts',
      'ws-http-server.ts',
    ];
    try {
      for (const file of servers) {
        const socket = join(dir, `${file}.sock`);
        const server = runTs(`examples/${file}`, {
          env: { SLUICE_EXAMPLE_ONCE: undefined, PORT: '0', METRICS_PORT: '0', SOCKET: socket },
          timeout: TIMEOUT / 2,
        });
        const [line] = await server.waitFor(/^serving; try: .* \(Ctrl-C stops\)$/m);
        const port = /(?:127\.0\.0\.1|localhost):(\d+)/.exec(server.stdout())?.[1];
        expect(line, file).toContain(file === 'ipc.ts' ? socket : `${port}`);
        expect(line, file).not.toMatch(/:0\b|\b0\)/);
        server.process.kill('SIGINT');
        const exit = await server.exited;
        expect(exit.code, describeExit(file, exit)).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
