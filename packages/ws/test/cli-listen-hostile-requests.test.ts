/**
 * The real `sluice listen --ws --path /chat` process (the CLI of the sluice
 * package, on this package's listener) survives upgrade requests whose target
 * is no URL path: each is answered 400, and the next client is served as if
 * nothing happened, without a stack trace.
 */
import { once } from 'node:events';
import net from 'node:net';
import { lines } from '@sluice/codec';
import { connect } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { within } from '../../../test-support/waits.js';
import { expectExit, sluice } from '../../sluice/test/support/sluice-cli.js';

/** Writes an upgrade request for `target`; resolves with the status line of the answer. */
async function statusFor(port: number, target: string): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  let response = '';
  socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
  await within(once(socket, 'close'), 5000, `an answer to ${target}`);
  return response.split('\r\n')[0] ?? '';
}

describe('sluice listen --ws --path /chat', () => {
  it('answers upgrade requests for //[ and http://[::1 with 400 and keeps serving', { timeout: 30_000 }, async () => {
    const run = sluice(['listen', '--ws', '--port', '0', '--path', '/chat', '--echo', '--once']);
    const [, port] = await run.waitFor(/^sluice: listening on ws:\/\/127\.0\.0\.1:(\d+)\/chat/m);
    for (const target of ['//[', 'http://[::1']) {
      expect(await statusFor(Number(port), target)).toBe('HTTP/1.1 400 Bad Request');
    }
    const conn = await connect(`ws://127.0.0.1:${port}/chat`);
    const io = conn.framed(lines());
    await io.write('still here');
    expect(await within(io.read(), 10_000, 'the echo')).toBe('still here');
    await io.close();
    expectExit(await run.exited, 0);
  });
});
