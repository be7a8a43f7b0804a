/**
 * The real `sluice listen` process stopped by SIGINT (Ctrl-C) or SIGTERM
 * while a client sits idle: it says it is shutting down, ends the client's
 * connection gracefully (a FIN, not a reset) and exits promptly, even when
 * the client never finishes its side.
 */
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { expectExit, sluice, sluiceListen } from './support/sluice-cli.js';

const TIMEOUT = 20_000;
/** Prompt for a user pressing Ctrl-C, yet far above the 1 s the listener gives a connection to close. */
const PROMPT_MS = 4000;

/** An idle client of `port`; `allowHalfOpen` keeps it from answering the server's FIN with its own. */
async function idleClient(port: number, allowHalfOpen: boolean) {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen });
  const ended = once(socket, 'end');
  socket.on('error', () => {});
  await once(socket, 'connect');
  return { socket, ended };
}

describe('sluice listen on SIGINT and SIGTERM', () => {
  for (const [signal, allowHalfOpen] of [
    ['SIGINT', false],
    ['SIGTERM', true],
  ] as const) {
    it(`${signal}: says it is shutting down, ends an idle ${allowHalfOpen ? 'half-open ' : ''}client with a FIN, exits 0 promptly`, {
      timeout: TIMEOUT,
    }, async () => {
      const { run, port } = await sluiceListen([]);
      const client = await idleClient(port, allowHalfOpen);
      await run.waitFor(/connected/);
      const signalled = Date.now();
      run.process.kill(signal);
      await client.ended; // a graceful end reached the client
      const exit = await run.exited;
      expect(Date.now() - signalled).toBeLessThan(PROMPT_MS);
      expectExit(exit, 0);
      expect(exit.stderr).toMatch(new RegExp(`^sluice: ${signal}: shutting down`, 'm'));
      expect(exit.stderr).toMatch(/closed: received 0 frames \(0 bytes\)/);
      client.socket.destroy();
    });
  }
});

describe('sluice connect on SIGINT', () => {
  it('ends as an end does: says it was interrupted, prints the counts, exits 0 (as listen does)', {
    timeout: TIMEOUT,
  }, async () => {
    const received: string[] = [];
    let heard: (() => void) | undefined;
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.write('hello\n');
      socket.setEncoding('utf8').on('data', (text: string) => {
        received.push(text);
        heard?.();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const run = sluice(['connect', `127.0.0.1:${port}`], { keepStdinOpen: true });
    const arrived = new Promise<void>((resolve) => (heard = resolve));
    run.process.stdin.write('one\n');
    await Promise.all([run.waitFor(/hello\n/, 'stdout'), arrived]);
    run.process.kill('SIGINT');
    const exit = await run.exited;
    server.close();
    expectExit(exit, 0);
    expect(exit.stderr).toMatch(
      /^sluice: SIGINT: interrupted\nsluice: sent 1 frame \(4 bytes\), received 1 frame \(6 bytes\)$/m,
    );
  });
});
