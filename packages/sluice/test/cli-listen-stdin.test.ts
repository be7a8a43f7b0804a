/**
 * The real `sluice listen` is two-way, as `nc -l` is: each stdin line goes,
 * framed, to every connected client; a client that stops reading is dropped
 * once its outbox is full, and the others get every line; stdin at its end
 * leaves the listener serving (`</dev/null`, as the other tests run it).
 */
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { expectExit, sluice, sluiceListen } from './support/sluice-cli.js';

const TIMEOUT = 30_000;

/** A plain node:net client of `port` that collects what it receives. */
async function client(port: number) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  let received = '';
  socket.setEncoding('utf8').on('data', (text: string) => (received += text));
  await once(socket, 'connect');
  /** Resolves once what was received satisfies `done`. */
  const until = (done: (text: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!done(received)) return;
        socket.off('data', check);
        resolve(received);
      };
      socket.on('data', check);
      socket.once('close', () => reject(new Error(`closed having received ${JSON.stringify(received)}`)));
      check();
    });
  return { socket, received: () => received, until };
}

describe('sluice listen: stdin lines go to the clients', () => {
  it('sends piped stdin lines, framed, to the client that connects', { timeout: TIMEOUT }, async () => {
    const { run, port } = await sluiceListen(['--once', '--codec', 'lp', '--width', '1'], {
      input: 'hello\nworld\n',
    });
    const peer = await client(port);
    // lp frames: a length byte, then the line's bytes.
    await peer.until((text) => text === '\x05hello\x05world');
    peer.socket.end();
    expectExit(await run.exited, 0);
  });

  it('sends each typed line to every connected client (broadcast)', { timeout: TIMEOUT }, async () => {
    const { run, port } = await sluiceListen([], { keepStdinOpen: true });
    const first = await client(port);
    await run.waitFor(/connected/);
    const second = await client(port);
    await run.waitFor(/connected[\s\S]*connected/);
    run.process.stdin.write('to all\n');
    await Promise.all([first, second].map((peer) => peer.until((text) => text === 'to all\n')));
    // A client that sends frames is still printed as before.
    first.socket.write('from the first\n');
    await run.waitFor(/^from the first$/m, 'stdout');
    run.process.stdin.end();
    run.process.kill('SIGTERM');
    expectExit(await run.exited, 0);
  });

  it('drops a client that stops reading once its outbox is full; the others get every line', {
    timeout: 60_000,
  }, async () => {
    const { run, port } = await sluiceListen([], { keepStdinOpen: true, timeout: 55_000 });
    const stalled = await client(port);
    stalled.socket.pause(); // reads nothing: the kernel's buffers fill, then its outbox
    await run.waitFor(/connected/);
    const reader = await client(port);
    await run.waitFor(/connected[\s\S]*connected/);
    const line = `${'x'.repeat(60_000)}\n`;
    const stdin = run.process.stdin;
    let sent = 0;
    const dropped = run.waitFor(/^sluice: 127\.0\.0\.1:\d+ dropped: 256 stdin lines were waiting for it/m);
    let isDropped = false;
    void dropped.then(() => (isDropped = true));
    // Bounded: far more than a loopback socket's buffers and an outbox of 256 lines hold.
    while (!isDropped && sent < 4000) {
      sent++;
      if (!stdin.write(line)) await Promise.race([once(stdin, 'drain'), dropped]);
    }
    await dropped;
    await once(stalled.socket.resume(), 'close'); // the listener closed it
    await reader.until((text) => text.length === sent * line.length);
    expect(reader.received()).toBe(line.repeat(sent));
    stdin.end();
    run.process.kill('SIGTERM');
    expectExit(await run.exited, 0);
  });

  it('with stdin at its end (</dev/null), serves on: prints what a later client sends', {
    timeout: TIMEOUT,
  }, async () => {
    const run = sluice(['listen', '--port', '0', '--once'], { input: '' });
    const [, port] = await run.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
    const peer = await client(Number(port));
    peer.socket.end('after eof\n');
    const exit = await run.exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe('after eof\n');
  });
});

describe('sluice listen --prefix', () => {
  it('starts each printed line with its sender, to tell two clients apart', {
    timeout: TIMEOUT,
  }, async () => {
    const { run, port } = await sluiceListen(['--prefix']);
    const a = await client(port);
    const b = await client(port);
    const [nameA, nameB] = [a, b].map((c) => `127.0.0.1:${c.socket.localPort}`);
    a.socket.write('from a\n');
    await run.waitFor(/from a\n/, 'stdout');
    b.socket.write('from b\n');
    await run.waitFor(/from b\n/, 'stdout');
    run.process.kill('SIGTERM');
    const exit = await run.exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe(`${nameA}: from a\n${nameB}: from b\n`);
    for (const c of [a, b]) c.socket.destroy();
  });

  it('is refused with --echo, which prints no frames', { timeout: TIMEOUT }, async () => {
    const exit = await sluice(['listen', '--port', '0', '--echo', '--prefix']).exited;
    expectExit(exit, 2);
    expect(exit.stderr.trim()).toBe('sluice: --prefix only applies without --echo (which prints no frames)');
  });
});
