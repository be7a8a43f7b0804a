/**
 * WebSocket peers that stop reading, or read slowly, over real loopback
 * sockets: a plain `ws` client that pauses while a Sluice server floods it
 * (the writer is held back, close() gives up after closeTimeout), and a Sluice
 * client reading slowly from a plain `ws` server that sends everything at once
 * (it holds no more than its readCapacity and a message or two). Each fault
 * must reach the code waiting on that connection as a coded error (any good
 * frames first), close that connection, and leave the listener and every other
 * connection working; no socket may be left behind.
 */
import { connect, listen, messages } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { checkHandlesReleased } from '../../../test-support/handles.js';
import { ErrorLog, signal, stillPending, within } from '../../../test-support/waits.js';
import { plainClient, url } from './support/echo.js';
import { KiB, lp, MiB } from './support/faults.js';

checkHandlesReleased(); // after every fault, every socket and server handle is released

describe('a peer that stops reading while the server floods', () => {
  it('the server writer is held back within the bounds, then everything arrives in order once the peer reads', async () => {
    const frames = 2048;
    const payload = 16 * KiB; // 32 MiB in all: far more than the kernel and ws buffer between them
    const blocked = signal<number>();
    const errors = new ErrorLog();
    const listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve(
      async (conn) => {
        const io = conn.framed(lp);
        let isBlocked = false;
        for (let i = 0; i < frames; i++) {
          const data = new Uint8Array(payload);
          new DataView(data.buffer).setUint32(0, i);
          const written = io.write(data);
          if (!isBlocked && (await stillPending(written))) {
            isBlocked = true;
            blocked.resolve(conn.counters.bytesOut);
          }
          await written;
        }
      },
      { onError: errors.push },
    );
    const reader = await plainClient(url(listener.port));
    reader.ws.pause(); // a browser tab that stopped reading
    const accepted = await within(blocked.promise, 10_000, 'the writer blocking');
    expect(accepted).toBeLessThan(16 * MiB); // the socket buffers and ws's 64 KiB bound, not the 32 MiB offered
    reader.ws.resume();
    const { code } = await within(reader.closed, 10_000, 'the whole flood arriving');
    expect(code).toBe(1000);
    const got: Uint8Array[] = [];
    for (const { data } of reader.messages) lp.decoder().decode(data, got);
    expect(got).toHaveLength(frames);
    got.forEach((data, i) => {
      if (new DataView(data.buffer, data.byteOffset).getUint32(0) !== i) throw new Error(`frame ${i} out of order`);
    });
    expect(errors.errors).toEqual([]);
    await listener.close();
    await served;
  }, 20_000);

  it('close() facing a peer that stopped reading gives up after closeTimeout with ERR_CLOSE_TIMEOUT, never a clean end', async () => {
    const errors = new ErrorLog();
    const outcome = signal<{ close: PromiseSettledResult<void>; write: PromiseSettledResult<void> }>();
    const listener = await listen({ host: '127.0.0.1', port: 0, closeTimeout: 100 });
    const served = listener.serve(
      async (conn) => {
        const chunk = new Uint8Array(64 * KiB);
        let blocked: Promise<void> = Promise.resolve();
        while (!(await stillPending(blocked))) blocked = conn.write(chunk);
        // Data still unsent: closing cannot finish cleanly, and must say so.
        const [close, write] = await Promise.allSettled([conn.close(), blocked]);
        outcome.resolve({ close: close!, write: write! });
      },
      { onError: errors.push },
    );
    const reader = await plainClient(url(listener.port));
    reader.ws.pause();
    const { close, write } = await within(outcome.promise, 5000, 'close() giving up');
    expect(close).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CLOSE_TIMEOUT', timeout: 100 } });
    expect((close as PromiseRejectedResult).reason.unsent).toBeGreaterThan(0);
    // The waiting write was accepted before the cut-off (the socket took a little more), or is cut off too.
    if (write.status === 'rejected') expect(write.reason).toMatchObject({ code: 'ERR_CLOSE_TIMEOUT' });
    reader.ws.resume();
    expect((await within(reader.closed, 5000, 'the reader closing')).code).toBe(1006); // cut off, no close frame
    expect(await errors.reach(1)).toEqual([(close as PromiseRejectedResult).reason]); // serve() saw it too
    await listener.close();
    await served;
  });

  it('a Sluice client that reads slowly holds at most its readCapacity and a message or two, whatever a plain ws server sends', async () => {
    const total = 2048;
    const size = 16 * KiB;
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await within(new Promise((resolve) => wss.once('listening', resolve)), 5000, 'listening');
    wss.on('connection', (ws) => {
      // ws itself never waits: everything is queued at once, as a careless server does.
      for (let i = 0; i < total; i++) {
        const data = Buffer.alloc(size);
        data.writeUInt32BE(i, 0);
        ws.send(data);
      }
      ws.close(1000);
    });
    const conn = await connect(url((wss.address() as { port: number }).port));
    let consumed = 0;
    let maxHeld = 0;
    let index = 0;
    for await (const data of conn.framed(messages())) {
      if (Buffer.from(data).readUInt32BE(0) !== index) throw new Error(`message ${index} out of order`);
      index++;
      consumed += data.byteLength;
      maxHeld = Math.max(maxHeld, conn.counters.bytesIn - consumed);
      if (index % 4 === 0) await new Promise((resolve) => setImmediate(resolve)); // the slow part
    }
    expect(index).toBe(total);
    // readCapacity (64 KiB), plus what ws parsed from the socket's last read (64 KiB) after it paused, plus a message.
    expect(maxHeld).toBeLessThanOrEqual(64 * KiB + 64 * KiB + size);
    await new Promise((resolve) => wss.close(resolve));
  }, 20_000);
});
