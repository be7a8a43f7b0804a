/**
 * Writes nobody awaits cannot pile up in memory on a WebSocket either: past
 * `writeCapacity` bytes that `ws` holds unsent (in the socket, or queued for
 * compression), a write is refused with `ERR_WRITE_OVERFLOW`; what was
 * accepted still goes. Over real loopback, to a client that does not read.
 */
import { isSluiceError } from '@sluice/core';
import { connect, listen } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { within } from './support/peers.js';

describe('writeCapacity (WebSocket)', () => {
  for (const perMessageDeflate of [false, true]) {
    it(`refuses messages nobody awaits past 4 MiB unsent, then sends the rest${perMessageDeflate ? ', compressed' : ''}`, {
      timeout: 30_000,
    }, async () => {
      await using listener = await listen({ host: '127.0.0.1', port: 0, perMessageDeflate });
      const accepted = listener.accept();
      await using client = await connect(`ws://127.0.0.1:${listener.port}/`, { perMessageDeflate });
      await using server = (await within(accepted, 5000, 'the connection'))!;
      const message = 'x'.repeat(1000);
      const COUNT = 20_000; // 20 MB: more than the kernel and 4 MiB can hold
      const refused: number[] = [];
      const errors = new Set<string>();
      const outcomes: Promise<void>[] = [];
      for (let i = 0; i < COUNT; i++) {
        outcomes.push(
          server.write(message).catch((error: unknown) => {
            refused.push(i);
            errors.add(isSluiceError(error) ? error.code : String(error));
          }),
        );
      }
      await Promise.resolve(); // the refusals are already settled
      expect(refused.length).toBeGreaterThan(0);
      expect([...errors]).toEqual(['ERR_WRITE_OVERFLOW']);
      const acceptedCount = COUNT - refused.length;
      expect(refused[0]).toBe(acceptedCount); // every write after the first refused one was refused too
      let got = 0;
      const reading = (async () => {
        for await (const chunk of client.reader({ keepOpen: true }))
          if ((got += chunk.byteLength) >= acceptedCount * 1000) break;
        return got;
      })();
      await within(Promise.all(outcomes), 20_000, 'the accepted messages');
      expect(await within(reading, 20_000, 'the client to read')).toBe(acceptedCount * 1000);
    });
  }
});
