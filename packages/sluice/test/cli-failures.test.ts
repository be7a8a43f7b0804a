/**
 * The real `sluice connect` process when the other side fails it: a reset, a
 * bad frame, a connection gone idle, a peer that closes before stdin has
 * ended. Each must end the command at once (stdin still open) with one clear
 * line and exit code 1; and whatever error nobody expected is still told in
 * one line, never as a stack trace.
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliRun, expectExit, sluice, sluiceListen } from './support/sluice-cli.js';

const TIMEOUT = 20_000;
const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A plain node:net server on a free loopback port that treats each client with `onClient`. */
async function peer(onClient: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => {}); // resets are the point here
    onClient(socket);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

/** `sluice connect` with stdin left open, as a user typing would leave it. */
function connectTyping(port: number, args: string[] = []): CliRun {
  return sluice(['connect', `127.0.0.1:${port}`, ...args], { keepStdinOpen: true, timeout: 10_000 });
}

describe('sluice connect when the peer fails', () => {
  it('exits at once with exit code 1 after a reset, without waiting for stdin to end', {
    timeout: TIMEOUT,
  }, async () => {
    let client: net.Socket | undefined;
    const port = await peer((socket) => {
      client = socket;
      socket.write('hello\n');
    });
    const run = connectTyping(port);
    await run.waitFor(/hello\n/, 'stdout');
    client?.resetAndDestroy();
    const exit = await run.exited;
    expectExit(exit, 1);
    expect(exit.stderr).toMatch(/^sluice: connection reset by the peer \(ECONNRESET\)$/m);
  });

  it('exits at once with exit code 1 after a frame over --max-frame-length', { timeout: TIMEOUT }, async () => {
    const port = await peer((socket) => socket.write(`hello\n${'x'.repeat(100)}\n`));
    const exit = await connectTyping(port, ['--max-frame-length', '50']).exited;
    expectExit(exit, 1);
    expect(exit.stdout).toBe('hello\n');
    expect(exit.stderr).toMatch(/^sluice: the peer sent a bad frame: .* \(ERR_FRAME_TOO_LONG\)$/m);
  });

  it('exits at once with exit code 1 after a line that is not JSON', { timeout: TIMEOUT }, async () => {
    const port = await peer((socket) => socket.write('{"a":1}\nnope\n'));
    const exit = await connectTyping(port, ['--codec', 'json']).exited;
    expectExit(exit, 1);
    expect(exit.stdout).toBe('{"a":1}\n');
    expect(exit.stderr).toMatch(/^sluice: the peer sent a bad frame: Invalid JSON.* \(ERR_DECODE\)$/m);
  });

  it('--idle-timeout ends a silent connection, also after stdin has ended', { timeout: TIMEOUT }, async () => {
    const silent = await peer(() => {}); // never answers, never closes
    const [typing, finished] = await Promise.all([
      connectTyping(silent, ['--idle-timeout', '300']).exited,
      sluice(['connect', `127.0.0.1:${silent}`, '--idle-timeout', '300'], { input: 'hello\n' }).exited,
    ]);
    for (const exit of [typing, finished]) {
      expectExit(exit, 1);
      expect(exit.stderr).toMatch(/^sluice: .*idle.* \(ERR_IDLE_TIMEOUT\)$/im);
    }
  });

  it('exits at once with exit code 1 when the peer closes before stdin has ended', { timeout: TIMEOUT }, async () => {
    const port = await peer((socket) => socket.end('bye\n')); // finishes, while our stdin is still open
    const exit = await connectTyping(port).exited;
    expectExit(exit, 1);
    expect(exit.stdout).toBe('bye\n');
    expect(exit.stderr).toMatch(/^sluice: the peer closed the connection before stdin ended$/m);
  });

  it('exits with exit code 1 when `sluice listen` drops it over a bad frame, and the listener says why', {
    timeout: TIMEOUT,
  }, async () => {
    const { run: server, port } = await sluiceListen(['--echo', '--once', '--max-frame-length', '10']);
    const client = connectTyping(port);
    client.process.stdin.write('short\n');
    await client.waitFor(/^short\n/, 'stdout');
    client.process.stdin.write(`${'x'.repeat(16)}\n`); // over the listener's limit: it drops us
    const exit = await client.exited; // with stdin still open
    expectExit(exit, 1);
    expect(exit.stdout).toBe('short\n');
    expect(exit.stderr).toMatch(/^sluice: sent 2 frames \(23 bytes\), received 1 frame \(6 bytes\)$/m);
    expect(exit.stderr).toMatch(/^sluice: the peer closed the connection before stdin ended$/m);
    const listened = await server.exited;
    expectExit(listened, 0);
    expect(listened.stderr).toMatch(/^sluice: 127\.0\.0\.1:\d+: sent a bad frame: .* \(ERR_FRAME_TOO_LONG\)$/m);
  });

  it('connect --tls to a plain listener says so in one sentence, without OpenSSL source files, exit 1', {
    timeout: TIMEOUT,
  }, async () => {
    const echo = await peer((socket) => socket.pipe(socket)); // a plain echo server: its ClientHello comes back
    const greeter = await peer((socket) => socket.end('+OK hello\r\n')); // a plain line server's greeting
    for (const port of [echo, greeter]) {
      const exit = await connectTyping(port, ['--tls']).exited;
      expectExit(exit, 1);
      const said = exit.stderr.trimEnd();
      expect(said.split('\n'), said).toHaveLength(1);
      expect(said).toMatch(/^sluice: TLS failed: [a-z ]+: is the server speaking TLS on that port\? \(ERR_SSL_\w+\)$/);
      expect(said).not.toMatch(/\.c:|ssl\/|routines|error:[0-9A-F]{8}/);
    }
  });

  it('connect to a wss:// or ws:// URL of a server that speaks neither says so in one sentence, exit 1', {
    timeout: TIMEOUT,
  }, async () => {
    const echo = await peer((socket) => socket.pipe(socket)); // plain TCP: no TLS, no HTTP
    const greeter = await peer((socket) => socket.end('+OK hello\r\n'));
    const said = async (url: string) => {
      const exit = await sluice(['connect', url], { keepStdinOpen: true, timeout: 10_000 }).exited;
      expectExit(exit, 1);
      const line = exit.stderr.trimEnd();
      expect(line.split('\n'), line).toHaveLength(1);
      return line;
    };
    expect(await said(`wss://127.0.0.1:${echo}/`)).toMatch(
      /^sluice: TLS failed: .+: is the server speaking TLS on that port\? \((EPROTO|ERR_SSL_\w+)\)$/,
    );
    expect(await said(`ws://127.0.0.1:${greeter}/`)).toMatch(
      /^sluice: the server did not answer in HTTP: is it a WebSocket server\? \(HPE_\w+\)$/,
    );
  });

  it('exits 0 when stdin ends first and the peer then finishes', { timeout: TIMEOUT }, async () => {
    // Answers only once our side has finished: stdin ended before the peer closed.
    const port = await peer((socket) => socket.on('end', () => socket.end('done\n')).resume());
    const exit = await sluice(['connect', `127.0.0.1:${port}`], { input: 'a\nb\n' }).exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe('done\n');
    expect(exit.stderr).not.toMatch(/closed the connection/);
  });
});

describe('the top-level guard', () => {
  /** node's --import of a module that makes the CLI fail unexpectedly once it listens. */
  const failOnceListening = (failure: string) => [
    '--import',
    `data:text/javascript,${encodeURIComponent(`
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = (chunk, ...rest) => {
        if (String(chunk).includes('listening on')) setImmediate(() => { ${failure} });
        return write(chunk, ...rest);
      };`)}`,
  ];

  it('tells an uncaught exception in one line, a multi-line message whole, and exits 1', {
    timeout: TIMEOUT,
  }, async () => {
    const failure = 'throw new Error(\'boom\\non "two" lines\')';
    const run = sluice(['listen', '--port', '0'], { nodeArgs: failOnceListening(failure) });
    const exit = await run.exited;
    expectExit(exit, 1);
    expect(exit.stderr).toMatch(/^sluice: boom\\non "two" lines$/m);
  });

  it('tells an unhandled rejection in one line and exits 1', { timeout: TIMEOUT }, async () => {
    const failure = "Promise.reject(Object.assign(new Error('lost'), { code: 'ERR_LOST' }))";
    const { run } = await sluiceListen([], { nodeArgs: failOnceListening(failure) });
    const exit = await run.exited;
    expectExit(exit, 1);
    expect(exit.stderr).toMatch(/^sluice: lost \(ERR_LOST\)$/m);
  });
});
