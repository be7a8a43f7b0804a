/**
 * The real `sluice connect ws://…` against plain `ws` servers: JSON values go
 * one per text message and replies are printed as they came, it reads until
 * the server closes, and a dropped connection, a message over
 * --max-frame-length or one that is not JSON is one line with its code and
 * exit 1. Loopback only, free ports, no fixed sleeps.
 */
import { describe, expect, it } from 'vitest';
import { plainWsServers } from './support/plain-ws-server.js';
import { expectExit, sluice } from './support/sluice-cli.js';

const TIMEOUT = 30_000;
const wsServer = plainWsServers();

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
