/**
 * How `@sluice/ws` connections end, over real loopback WebSockets:
 * closeWrite() without half-close (what was written arrives, then both ways
 * end), close(code, reason) reaching the reader of the peer as ERR_WS_CLOSED,
 * and a message over maxPayload closing with 1009 on both sides while the
 * listener carries on.
 */
import { lines } from '@sluice/codec';
import { connect, listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { url } from './support/echo.js';

describe('@sluice/ws', () => {
  it('closeWrite() is safe without half-close: every message written first arrives, then the loop of the peer ends', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const received = new Promise<string[]>((resolve) => {
      void listener.serve(async (conn) => {
        const got: string[] = [];
        for await (const line of conn.framed(lines())) got.push(line);
        resolve(got);
      });
    });
    await using conn = await connect(url(listener.port));
    const io = conn.framed(lines());
    await io.writeAll(['a', 'b', 'c']);
    await io.closeWrite();
    expect(await received).toEqual(['a', 'b', 'c']);
    expect(await io.read()).toBeUndefined(); // a WebSocket closes both ways: nothing more comes
  });

  it('a message over maxPayload closes with 1009: ERR_WS_MESSAGE_TOO_BIG on both sides, the listener carries on', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0, maxPayload: 1024 });
    let serverError!: (error: unknown) => void;
    const serverSaw = new Promise<unknown>((resolve) => (serverError = resolve));
    void listener.serve(
      async (conn) => {
        for await (const _ of conn) {
          // read until the oversized message ends it
        }
      },
      { onError: (error) => serverError(error) },
    );
    await using big = await connect(url(listener.port));
    await big.write(new Uint8Array(4096));
    await expect(big[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'ERR_WS_MESSAGE_TOO_BIG',
      closeCode: 1009,
    });
    // The server's side learns it on its own turn: wait for it, whatever the order.
    expect(await serverSaw).toMatchObject({ code: 'ERR_WS_MESSAGE_TOO_BIG' });
    await using small = await connect(url(listener.port));
    await small.write(new Uint8Array(10));
    expect(small.destroyed).toBe(false);
  });

  it('close(code, reason) sends them: the reader of the peer gets ERR_WS_CLOSED with that code and reason', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    void listener.serve(async (conn) => {
      await expect(conn.close(1001 as number, 'x')).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      await conn.close(4001, 'session expired');
    });
    await using conn = await connect(url(listener.port));
    await expect(conn[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'ERR_WS_CLOSED',
      closeCode: 4001,
      reason: 'session expired',
    });
  });
});
