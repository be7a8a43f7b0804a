/**
 * A callback you give that is an `async` function is contained like one that
 * throws: its rejection never ends the process. And a check whose answer
 * decides who gets in (`origin`, `checkServerIdentity`) refuses when it
 * answers with a promise instead of letting everyone in (a promise is truthy).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { connect, listen, ws } from 'sluice';
import { describe, expect, it } from 'vitest';
import { ProcessGuard } from '../../../test-support/process-guard.js';
import { until, within } from '../../../test-support/waits.js';

const fixture = (name: string) => readFileSync(new URL(`../../net/test/fixtures/${name}`, import.meta.url));
const serverTls = { key: fixture('server.key'), cert: fixture('server.crt') };

/** The `console.error` messages the guard saw, with the message of what each reported. */
const reportsOf = (guard: ProcessGuard) =>
  guard.reported.map(([message, error]) => [message, (error as Error).message ?? String(error)]);

describe('async callbacks', () => {
  it('an async origin refuses every client (403) instead of letting everyone in, and its rejection is contained', async () => {
    const guard = new ProcessGuard();
    try {
      await using listener = await ws.listen({
        host: '127.0.0.1',
        port: 0,
        origin: (async (origin: string | undefined) => {
          if (origin === undefined) throw new Error('database down');
          return origin === 'https://good.example';
        }) as never,
      });
      void listener.serve(async () => {});
      for (const origin of ['https://evil.example', 'https://good.example', undefined]) {
        const headers = origin === undefined ? {} : { origin };
        await expect(ws.connect(`ws://127.0.0.1:${listener.port}/`, { headers })).rejects.toMatchObject({
          code: 'ERR_WS_UPGRADE_REFUSED',
          status: 403,
        });
      }
      expect(listener.counters.refused).toBe(3);
    } finally {
      expect(await guard.stop()).toEqual([]);
    }
  });

  it('an async onClientError that rejects is reported, and the TLS listener serves on', async () => {
    const guard = new ProcessGuard();
    try {
      await using listener = await listen({
        host: '127.0.0.1',
        port: 0,
        tls: serverTls,
        onClientError: async () => {
          throw new Error('alerting failed');
        },
      });
      const served = listener.serve(async (conn) => void (await conn.write('hello')));
      const garbage = net.connect(listener.port as number, '127.0.0.1');
      garbage.on('error', () => {});
      garbage.write('GET / HTTP/1.1\r\n\r\n'); // not a TLS ClientHello
      await until(() => guard.reported.length === 1, 'the rejection being reported');
      expect(reportsOf(guard)).toEqual([
        ['sluice: listen(): onClientError threw (contained; carrying on)', 'alerting failed'],
      ]);
      garbage.destroy();
      await listener.close();
      await served;
    } finally {
      expect(await guard.stop()).toEqual([]);
    }
  });

  it("an async serve() onError that rejects is reported with the handler's error", async () => {
    const guard = new ProcessGuard();
    try {
      await using listener = await listen({ host: '127.0.0.1', port: 0 });
      const served = listener.serve(
        async () => {
          throw new Error('handler failed');
        },
        {
          onError: async () => {
            throw new Error('logging failed');
          },
        },
      );
      const client = await connect(listener.address);
      await until(() => guard.reported.length === 1, 'the rejection being reported');
      const [[message, error]] = guard.reported as [[string, AggregateError]];
      expect(message).toBe('sluice: serve(): onError threw (contained; carrying on)');
      expect(error.errors.map((e: Error) => e.message)).toEqual(['handler failed', 'logging failed']);
      client.destroy();
      await listener.close();
      await served;
    } finally {
      expect(await guard.stop()).toEqual([]);
    }
  });

  it.each([
    ['net', (port: number, tls: object) => connect({ host: 'localhost', port, tls })],
    ['ws', (port: number, tls: object) => ws.connect(`wss://localhost:${port}/`, { tls })],
  ] as const)(
    'an async checkServerIdentity refuses the certificate over %s (ERR_INVALID_ARG), and its rejection is contained',
    async (kind, dial) => {
      const guard = new ProcessGuard();
      try {
        await using listener =
          kind === 'net'
            ? await listen({ host: '127.0.0.1', port: 0, tls: serverTls })
            : await ws.listen({ host: '127.0.0.1', port: 0, tls: serverTls });
        void listener.serve(async () => {});
        const checkServerIdentity = async () => {
          throw new Error('pinning service down');
        };
        const refused: Promise<unknown> = dial(listener.port as number, { ca: fixture('ca.crt'), checkServerIdentity });
        await expect(within(refused, 5000, 'connect() to settle')).rejects.toMatchObject({
          code: 'ERR_INVALID_ARG',
          message: 'connect(): tls.checkServerIdentity must answer at once (an Error or undefined), not with a promise',
        });
      } finally {
        expect(await guard.stop()).toEqual([]);
      }
    },
  );
});
