/**
 * Small writes made in one tick: the first goes straight to the socket, the
 * rest are gathered and handed over when the tick ends. Nothing else has to
 * happen for the gathered ones to go out (no later write, no close), in the
 * next tick as in this one, over every stream transport.
 */
import { type Connection, connect, listen } from '@sluice/net';
import { describe, expect, it } from 'vitest';
import { within } from '../../../test-support/waits.js';
import { ipc, secure, tcp } from './support/transports.js';

/** Reads `conn` until `expected` bytes have come; resolves with them as text, or fails within 5 s. */
function readText(conn: Connection, expected: number): Promise<string> {
  const reading = (async () => {
    let text = '';
    for await (const chunk of conn.reader({ keepOpen: true })) {
      text += new TextDecoder().decode(chunk);
      if (text.length >= expected) break;
    }
    return text;
  })();
  return within(reading, 5000, `${expected} bytes (gathered writes that never went out would leave this waiting)`);
}

describe.each([tcp, ipc, secure])('over $name, small writes of one tick', (transport) => {
  it('all go out when the tick ends, tick after tick, with nothing written after them', async () => {
    await using listener = await listen(transport.listenOptions());
    const accepted = listener.accept();
    await using conn = await connect(transport.connectOptions(listener));
    await using peer = (await accepted) as Connection;
    // Not awaited: the first write goes straight out, the other two wait for the end of the tick.
    const first = [conn.write('one,'), conn.write('two,'), conn.write('three;')];
    expect(await readText(peer, 'one,two,three;'.length)).toBe('one,two,three;');
    await Promise.all(first);
    const second = [conn.write('four,'), conn.write('five;')];
    expect(await readText(peer, 'four,five;'.length)).toBe('four,five;');
    await Promise.all(second);
    await Promise.all([conn.close(), peer.close()]);
  });
});
