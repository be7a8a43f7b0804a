/**
 * A throwaway redis-server for the Redis example: started on a free loopback
 * port with persistence off, ready once it logs that it accepts connections
 * and answers PING, stopped after. Installs nothing: `.ci/run` installs Debian's
 * `redis-server`; on a machine without it the caller fails with a message
 * that says so (or skips, with SLUICE_SKIP_REDIS=1).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { freePort } from '../../../../test-support/free-port.js';

export const REDIS_MISSING =
  'redis-server is not installed, so examples/redis-resp.ts cannot be tested. Install it ' +
  '(bash scripts/setup.sh does, as the README Quick start says; or apt-get install redis-server) or set SLUICE_SKIP_REDIS=1 to skip this test.';

export interface Redis {
  port: number;
  stop(): Promise<void>;
}

/** Starts redis-server on a free port and resolves once it answers PING; rejects within `timeout` ms otherwise. */
export async function startRedis(timeout = 15_000): Promise<Redis> {
  // The free port may be taken by another test before redis binds it: try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRedisOn(await freePort(), timeout);
    } catch (error) {
      if (attempt === 3 || !String(error).includes('Address already in use')) throw error;
    }
  }
}

async function startRedisOn(port: number, timeout: number): Promise<Redis> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  // Redis logs "Ready to accept connections" once it listens. The check runs on
  // everything logged so far, so a line that came before anyone waited counts.
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const record = (text: string) => {
    output += text;
    if (output.includes('Ready to accept connections')) markReady();
  };
  child.stdout.setEncoding('utf8').on('data', record);
  child.stderr.setEncoding('utf8').on('data', record);
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(REDIS_MISSING) : error),
    );
    child.once('exit', (code, signal) =>
      reject(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${output}`)),
    );
  });
  failed.catch(() => {});
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };

  const deadline = AbortSignal.timeout(timeout);
  const expired = new Promise<never>((_, reject) =>
    deadline.addEventListener(
      'abort',
      () => reject(new Error(`redis-server was not ready within ${timeout} ms:\n${output}`)),
      { once: true },
    ),
  );
  expired.catch(() => {});
  try {
    await Promise.race([ready, failed, expired]);
    if (!(await answersPing(port))) {
      throw new Error(`redis-server said it was ready but did not answer PING:\n${output}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}

/** Connects, sends PING, and tells whether +PONG came back. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.setEncoding('utf8').on('data', (text: string) => {
      reply += text;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('end', () => done(false));
  });
}
