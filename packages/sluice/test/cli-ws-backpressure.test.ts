/**
 * The real `sluice` over WebSocket reads only as fast as its stdout drains:
 * with stdout unread, `connect ws://…` holds a plain `ws` server back and
 * `listen --ws` holds a plain `ws` client back, within the kernel's buffers
 * and the CLI's own; read again, everything held back comes through.
 * Loopback only, free ports; no fixed sleeps.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { plainWsServers } from './support/plain-ws-server.js';
import { expectExit, heldBackBound, listenWs, sluice } from './support/sluice-cli.js';

const TIMEOUT = 30_000;
const wsServer = plainWsServers();

describe('sluice over WebSocket, and the rest of what it promises', () => {
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
});

/** 64 KiB text messages of 1 KiB lines. */
const LINE = `${'x'.repeat(1023)}\n`;
const MESSAGE = LINE.repeat(64);

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
