/**
 * Reading stays bounded while a WebSocket closes: after `closeWrite()` the
 * peer may ignore the close frame and keep sending, and a connection whose
 * reader does not read holds no more than its read queue and the 1 MiB read
 * past it to look for the peer's close frame (then the socket is paused, so
 * TCP holds the peer back). After `close()` what arrives is
 * discarded, so the peer gets through and memory still stays bounded. The
 * peer is Python's `websockets`, which stops reading (and so never sees our
 * close frame) once a message waits unread; it reports how far it got, and
 * calls itself stalled when one message could not be sent for a second.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Connection } from '@sluice/connection';
import { connect, listen } from '@sluice/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { within } from '../../../test-support/waits.js';

const PYTHON = process.env.SLUICE_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./fixtures/python-flood.py', import.meta.url));
const skip = process.env.SLUICE_SKIP_PYTHON === '1';
/** What the peer offers in one round. */
const ROUND = 64 * 1024 * 1024;
/** The read queue (64 KiB), the 1 MiB read past it to find the peer's close frame, and a socket read: far under a round. */
const BOUND = 2 * 1024 * 1024;

/** The Python peer: its lines on stdout, one by one. */
interface Flooder {
  child: ChildProcessWithoutNullStreams;
  /** The next line it prints (fails after a bound). */
  line(): Promise<string>;
  /** Asks for one round of sending; resolves with how it ended and the bytes sent so far. */
  round(): Promise<{ outcome: string; sent: number }>;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function flooder(args: string[]): Flooder {
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const line = async () => {
    const next = await within(lines.next(), 30_000, 'a line from the Python peer');
    if (next.done) throw new Error(`the Python peer exited: ${stderr}`);
    return next.value;
  };
  return {
    child,
    line,
    async round() {
      child.stdin.write('go\n');
      const [outcome, sent] = (await line()).split(' ');
      return { outcome: outcome ?? '', sent: Number(sent) };
    },
  };
}

/** Our side, past `closeWrite()`, reading nothing while the peer sends: then `close()`, which discards. */
async function floodAfterCloseWrite(conn: Connection, peer: Flooder): Promise<void> {
  // Messages for the peer to leave unread: past the first it reads no further, so our close frame goes unseen.
  await conn.write('unread');
  await conn.write('unread');
  await conn.closeWrite();
  const paused = await peer.round();
  expect(paused.outcome).toBe('stalled');
  expect(conn.counters.bytesIn).toBeLessThanOrEqual(BOUND);
  expect(conn.destroyed).toBe(false);

  const before = conn.counters.bytesIn;
  const closing = conn.close();
  const after = await peer.round();
  expect(after.outcome).toBe('done'); // everything went through, and was dropped
  expect(conn.counters.bytesIn - before).toBeGreaterThanOrEqual(ROUND - BOUND);
  peer.child.stdin.end(); // the peer goes without a close frame
  await within(
    closing.catch(() => undefined),
    10_000,
    'the close',
  );
  await within(conn.closed, 10_000, 'the connection to close');
}

describe.skipIf(skip)('reading a WebSocket that closes stays bounded', () => {
  it('on a server, when the client ignores the close frame and keeps sending', { timeout: 60_000 }, async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, closeTimeout: 30_000 });
    const peer = flooder(['client', `ws://127.0.0.1:${listener.port}/`]);
    const conn = await within(listener.accept(), 10_000, 'the Python client');
    if (conn === undefined) throw new Error('the listener closed');
    await floodAfterCloseWrite(conn, peer);
  });

  it('on a client, when the server ignores the close frame and keeps sending', { timeout: 60_000 }, async () => {
    const peer = flooder(['server']);
    const port = Number(await peer.line());
    const conn = await connect(`ws://127.0.0.1:${port}/`, { closeTimeout: 30_000 });
    await floodAfterCloseWrite(conn, peer);
  });
});
