/**
 * `requester()` and `respond()` write for many callers at once, and their
 * writes never add up past the connection's `writeCapacity`: they write one
 * at a time, each after the last was taken. Large requests and responses,
 * many in flight, over real loopback TCP, with the defaults.
 */
import { json, lengthPrefixed } from '@sluice/codec';
import { requester, respond } from '@sluice/connection';
import { connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { signal, within } from '../../../test-support/waits.js';

type Message = { id: number; payload: string };
const framing = () => json<Message>({ framing: lengthPrefixed() });
const KiB = 1024;

describe('requests and responses past writeCapacity in all', () => {
  it('a requester with its defaults sends 1,000 requests of 8 KiB at once (8 MiB), and each gets its response', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    void listener.serve((conn) =>
      respond(conn.framed(framing()), (request) => ({ id: request.id, payload: 'ok' }), { concurrency: 64 }),
    );
    await using conn = await connect(listener.address as { host: string; port: number });
    const rpc = requester(conn.framed(framing()), { correlate: { requestId: (m) => m.id, responseId: (m) => m.id } });
    const payload = 'x'.repeat(8 * KiB);
    const responses = await within(
      Promise.all(Array.from({ length: 1000 }, (_, id) => rpc.request({ id, payload }))),
      20_000,
      'every response',
    );
    expect(responses.map((response) => response.id)).toEqual(Array.from({ length: 1000 }, (_, id) => id));
    expect(conn.error).toBeUndefined();
    await rpc.close();
  });

  it('respond() with 64 handlers at once writes 64 responses of 128 KiB (8 MiB) to a client that reads late', async () => {
    const allAnswered = signal();
    let answered = 0;
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve((conn) =>
      respond(
        conn.framed(framing()),
        (request) => {
          if (++answered === 64) allAnswered.resolve();
          return { id: request.id, payload: 'y'.repeat(128 * KiB) };
        },
        { concurrency: 64, correlate: 'id' },
      ),
    );
    await using conn = await connect(listener.address as { host: string; port: number });
    const io = conn.framed(framing());
    for (let id = 0; id < 64; id++) await io.write({ id, payload: '' });
    await within(allAnswered.promise, 10_000, 'every handler done'); // the client has read nothing yet
    const ids: number[] = [];
    for (let i = 0; i < 64; i++) {
      const response = await io.read();
      expect(response?.payload).toHaveLength(128 * KiB);
      ids.push(response?.id as number);
    }
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, id) => id));
    await conn.close();
    await listener.close();
    expect(await served).toMatchObject({ failed: 0 });
  });
});
