import { type Codec, lengthPrefixed, lines } from '@sluice/codec';
import { socket$ } from '@sluice/rx';
import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { handlesSettleTo, numRuns } from './support/resources.js';
import { rxServer } from './support/servers.js';

/** One client's plan: its frames, how many it sends before subscribing, and where it yields to the event loop. */
const plan = <T>(frame: fc.Arbitrary<T>) =>
  fc.record({
    frames: fc.array(frame, { maxLength: 40 }),
    early: fc.nat(),
    pauses: fc.array(fc.boolean(), { maxLength: 40 }),
  });

type Plan<T> = { frames: T[]; early: number; pauses: boolean[] };

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Sends a plan through a socket$ client and returns what comes back. */
async function runClient<T>(port: number, codec: Codec<T>, { frames, early, pauses }: Plan<T>): Promise<T[]> {
  const sock = socket$({ host: '127.0.0.1', port, codec });
  const split = early % (frames.length + 1);
  for (const frame of frames.slice(0, split)) sock.next(frame); // waits for the connection
  const replies = lastValueFrom(sock.pipe(toArray()));
  for (const [i, frame] of frames.slice(split).entries()) {
    if (pauses[i] === true) await turn();
    sock.next(frame);
  }
  sock.complete(); // half-close: the echo server answers everything, then ends
  return replies;
}

async function checkEcho<T>(codec: Codec<T>, clients: Plan<T>[]): Promise<void> {
  const server = await rxServer(codec); // listen$ with the one-line echo
  try {
    const results = await Promise.all(clients.map((client) => runClient(server.port, codec, client)));
    for (const [i, received] of results.entries()) expect(received).toEqual(clients[i]!.frames);
  } finally {
    server.subscription.unsubscribe();
  }
  expect(await handlesSettleTo(0)).toBe(0);
}

const line = fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !s.includes('\n') && !s.includes('\r'));

describe('socket$ through a listen$ echo server', () => {
  it('every one of 5-30 concurrent clients gets back exactly the byte frames it sent, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plan(fc.uint8Array({ maxLength: 300 })), { minLength: 5, maxLength: 30 }), (clients) =>
        checkEcho(lengthPrefixed(), clients),
      ),
      { numRuns: numRuns(10) },
    );
  });

  it('every one of 5-30 concurrent clients gets back exactly the lines it sent, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plan(line), { minLength: 5, maxLength: 30 }), (clients) => checkEcho(lines(), clients)),
      { numRuns: numRuns(10) },
    );
  });
});
