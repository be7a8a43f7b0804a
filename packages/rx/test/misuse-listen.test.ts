/**
 * Misuse of @sluice/rx's listen$(), over real loopback sockets: bad options
 * fail with a coded error (at the call or as the error notification), a
 * server subject given a frame its codec refuses ends only that client's
 * connection, and a server subject subscribed again after its connection
 * ended errors with ERR_CLOSED. The values nobody means are in
 * `support/misuse.ts`.
 */
import { lengthPrefixed, lines } from '@sluice/codec';
import { connect } from '@sluice/net';
import { listen$, type SocketSubject } from '@sluice/rx';
import { describe, expect, it } from 'vitest';
import { bytes } from '../../../test-support/chunking.js';
import { any, cleanups, expectCoded, guardProcess, LIMIT, show, textOf } from '../../../test-support/misuse.js';
import { readText } from '../../../test-support/misuse-sockets.js';
import { within } from '../../../test-support/waits.js';
import { errorOfCallOrSubscribe, HOST, INVALID, NOT_CODECS, OUT_OF_RANGE, outcome } from './support/misuse.js';

guardProcess();
const defer = cleanups();

describe('listen$()', () => {
  it.each<[string, unknown, string]>([
    ['options undefined', undefined, INVALID],
    ['options null', null, INVALID],
    ['options a number', 7000, INVALID],
    ...NOT_CODECS.map(([what, codec]): [string, unknown, string] => [`codec ${what}`, { codec }, INVALID]),
    ['port 70000', { port: 70000 }, OUT_OF_RANGE],
    ['port -1', { port: -1 }, OUT_OF_RANGE],
    ["port 'abc'", { port: 'abc' }, INVALID],
    ['maxConnections -1', { maxConnections: -1 }, OUT_OF_RANGE],
    ['capacity -1', { capacity: -1 }, OUT_OF_RANGE],
    ["overflow 'wait'", { overflow: 'wait' }, INVALID],
    ['onListening 5 (not a function)', { onListening: 5 }, INVALID],
    ['closeObserver 5', { closeObserver: 5 }, INVALID],
  ])(
    'fails (at the call or as the error notification) for %s (ERR_OUT_OF_RANGE for a number out of range, else ERR_INVALID_ARG)',
    async (_, options, code) => {
      const base = { host: HOST, port: 0, codec: lines() };
      const make = () =>
        listen$(options !== null && typeof options === 'object' ? { ...base, ...(options as object) } : any(options));
      expectCoded(await errorOfCallOrSubscribe(make), code);
    },
  );

  /** A listen$ server whose subjects echo, but answer the frame 'bad' with a frame the codec refuses. */
  async function fussyServer() {
    const errors: unknown[] = [];
    let reportPort!: (port: number) => void;
    const bound = new Promise<number>((resolve) => (reportPort = resolve));
    const subscription = listen$<Uint8Array>({
      host: HOST,
      port: 0,
      codec: lengthPrefixed(),
      onListening: (address) => reportPort('port' in address ? address.port : 0),
    }).subscribe({
      next: (sock) => {
        sock.subscribe({
          next: (frame) => sock.next(textOf(frame) === 'bad' ? any('not bytes') : frame),
          error: (error: unknown) => errors.push(error),
        });
      },
      error: (error: unknown) => errors.push(error),
    });
    defer(() => subscription.unsubscribe());
    return { port: await within(bound, LIMIT, 'listen$ binding'), errors };
  }

  it("a server subject given a frame its codec refuses: its subscribers get ERR_ENCODE, that client's connection ends, the next client is still echoed", async () => {
    const { port, errors } = await fussyServer();
    const wire = lengthPrefixed().encoder();
    const badClient = await within(connect({ host: HOST, port }), LIMIT, 'connecting');
    defer(() => badClient.destroy());
    await badClient.write(wire.encode(bytes('bad')));
    const answer = await within(
      readText(badClient).catch((error: unknown) => `failed: ${show(error)}`),
      LIMIT,
      'the first connection ending',
    );
    expect(answer.includes('not bytes')).toBe(false);
    expect(errors.length).toBe(1);
    expectCoded(errors[0], 'ERR_ENCODE');

    const goodClient = await within(connect({ host: HOST, port }), LIMIT, 'connecting again');
    defer(() => goodClient.destroy());
    const io = goodClient.framed(lengthPrefixed());
    await io.write(bytes('good'));
    const echoed = await within(io.read(), LIMIT, 'the echo');
    expect(echoed === undefined ? undefined : textOf(echoed)).toBe('good');
  });

  it('a server subject subscribed again after its connection ended errors with ERR_CLOSED (it cannot reconnect)', async () => {
    let reportPort!: (port: number) => void;
    const bound = new Promise<number>((resolve) => (reportPort = resolve));
    let gotSubject!: (sock: SocketSubject<string>) => void;
    const subject = new Promise<SocketSubject<string>>((resolve) => (gotSubject = resolve));
    const subscription = listen$<string>({
      host: HOST,
      port: 0,
      codec: lines(),
      onListening: (address) => reportPort('port' in address ? address.port : 0),
    }).subscribe({ next: (sock) => gotSubject(sock), error: () => {} });
    defer(() => subscription.unsubscribe());
    const client = await within(connect({ host: HOST, port: await bound }), LIMIT, 'connecting');
    defer(() => client.destroy());
    const sock = await within(subject, LIMIT, 'the server subject');
    const first = outcome(sock);
    await client.closeWrite();
    expect(await first).toEqual({ values: [], state: 'complete' });
    expectCoded((await outcome(sock)).error, 'ERR_CLOSED');
  });
});
