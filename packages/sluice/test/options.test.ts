/**
 * Every options object of the public API refuses a key it does not know,
 * naming the known key a misspelling was meant to be, and every time option
 * has the one range, 0 to 2^31 - 1 ms or `Infinity`. The options objects
 * are not listed by hand: `publicOptionsParameters()` finds them with the
 * TypeScript compiler, and each must have a call in `support/option-calls.ts`,
 * so a new one cannot go unchecked.
 */
import { channel, connect, lengthPrefixed, lines, listen, ws } from 'sluice';
import { describe, expect, it } from 'vitest';
import {
  CALLS,
  type Call,
  callOf,
  codeOf,
  conn,
  EXEMPT,
  host,
  messageOf,
  netListener,
  type Options,
  openPeers,
  outcome,
  wsListener,
} from './support/option-calls.js';
import { type OptionsParameter, publicOptionsParameters } from './support/public-options.js';

openPeers();

const discovered = publicOptionsParameters();

describe('options objects of the public API', () => {
  it('are all found, and each has a call in this test (or a reason to be exempt)', () => {
    const missing = [...discovered.values()]
      .filter((parameter) => callOf(parameter) === undefined && EXEMPT[parameter.name] === undefined)
      .map(({ name }) => name);
    expect(missing, 'options objects with no call in support/option-calls.ts').toEqual([]);
    const gone = Object.keys({ ...CALLS, ...EXEMPT }).filter((name) => !discovered.has(name));
    expect(gone, 'calls of options objects that no longer exist').toEqual([]);
    expect(discovered.size).toBeGreaterThan(30);
    expect([...discovered.values()].filter((p) => p.heldBy).map(({ name }) => name)).toEqual(
      expect.arrayContaining(['reconnecting.outbox', 'socket$.reconnect', 'webSocket$.reconnect']),
    );
  });

  const checked = [...discovered.values()].filter((p) => EXEMPT[p.name] === undefined && callOf(p) !== undefined);

  it.each(checked)('$name refuses a misspelt key, naming the closest known one', async (parameter) => {
    const { name, keys } = parameter;
    const entry = callOf(parameter) as Call;
    for (const key of keys) {
      const typo = `${key}x`;
      const result = await outcome(entry, { ...entry.base, [typo]: 1 });
      expect(codeOf(result), `${name}({ ${typo} })`).toBe('ERR_INVALID_ARG');
      expect(messageOf(result)).toContain(`unknown option "${typo}" (did you mean "${key}"?)`);
    }
  });

  it.each(checked)(
    '$name lists its keys for a key unlike any of them, and they are all its type has',
    async (parameter) => {
      const { name, keys } = parameter;
      const entry = callOf(parameter) as Call;
      const result = await outcome(entry, { ...entry.base, zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz: 1 });
      expect(codeOf(result), name).toBe('ERR_INVALID_ARG');
      const listed = /\(known options: (.*)\)$/.exec(messageOf(result))?.[1];
      const known = listed?.split(', ').map((key) => JSON.parse(key) as string);
      expect(known?.sort(), `${name}: the keys it accepts, against its type's`).toEqual([...keys].sort());
    },
  );

  it('accept the keys they know', async () => {
    expect(() => lines({ maxFrameLength: 10 })).not.toThrow();
    await expect(conn.write('', { signal: new AbortController().signal })).resolves.toBeUndefined();
    const noPrototypeKeys = Object.assign(Object.create({ inherited: 1 }), { capacity: 1 });
    expect(() => channel(noPrototypeKeys)).not.toThrow();
  });

  it('name the key a misspelt or borrowed option was meant to be, or list the known ones', async () => {
    expect(() => lines({ maxLength: 10 } as never)).toThrow(
      'lines(): unknown option "maxLength" (did you mean "maxFrameLength"?)',
    );
    expect(() => lengthPrefixed({ maxFrameSize: 10 } as never)).toThrow('(did you mean "maxFrameLength"?)');
    expect(() => channel({ highWaterMark: 10 } as never)).toThrow(
      'channel(): unknown option "highWaterMark" (known options:',
    );
    await expect(listen({ host, port: 0, idleTimout: 10 } as never)).rejects.toThrow('(did you mean "idleTimeout"?)');
    await expect(ws.listen({ host, port: 0, maxPayLoad: 10 } as never)).rejects.toThrow('(did you mean "maxPayload"?)');
    await expect(connect({ host, port: 1, timout: 10 } as never)).rejects.toThrow('(did you mean "timeout"?)');
  });
});

/** Every time option: what the options objects call a timeout, a wait or a heartbeat. */
const TIME = /timeout$|^maxWait$|^heartbeat$|^(initial|max)Delay$|^resetAfter$/i;
const timeOptions = [...discovered.values()]
  .filter((parameter) => callOf(parameter) !== undefined)
  .flatMap(({ name, keys }) => keys.filter((key) => TIME.test(key)).map((key) => ({ name, key })));

describe('time options', () => {
  it('are found in the options objects', () => {
    expect(timeOptions.map(({ key }) => key)).toEqual(
      expect.arrayContaining(['timeout', 'idleTimeout', 'closeTimeout', 'frameTimeout', 'handshakeTimeout']),
    );
    expect(timeOptions.map(({ key }) => key)).toEqual(
      expect.arrayContaining(['shutdownTimeout', 'maxWait', 'heartbeat']),
    );
  });

  it.each(timeOptions)(
    '$name: $key of 2^31 ms is refused with ERR_OUT_OF_RANGE, Infinity is accepted',
    async ({ name, key }) => {
      const parameter = discovered.get(name) as OptionsParameter;
      const root = parameter.heldBy?.name ?? name;
      // What the call needs to succeed: a server it can reach.
      const live: Options =
        root === 'connect' || root === 'socket$'
          ? { ...netListener.address }
          : root === 'webSocket$'
            ? { url: `ws://${host}:${wsListener.port}` }
            : {};
      const entry = callOf(parameter, live) as Call;
      const tooLong = await outcome(entry, { ...entry.base, [key]: 2 ** 31 });
      expect(codeOf(tooLong), `${name}({ ${key}: 2 ** 31 }): ${messageOf(tooLong)}`).toBe('ERR_OUT_OF_RANGE');
      if (name === 'ws/browser.connect' && globalThis.WebSocket === undefined) return; // Node 20 has no WebSocket
      const none = await outcome(entry, { ...entry.base, [key]: Number.POSITIVE_INFINITY });
      expect('value' in none, `${name}({ ${key}: Infinity }): ${messageOf(none)}`).toBe(true);
    },
  );
});
