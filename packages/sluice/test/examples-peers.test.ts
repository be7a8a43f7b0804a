/**
 * The programs in examples/ that need a peer, run as a newcomer would run
 * them (`node --import tsx examples/<name>.ts` from the repository root), with
 * SLUICE_EXAMPLE_ONCE=1 so that they end by themselves: echo-server.ts with
 * echo-client.ts, and redis-resp.ts against a real redis-server. Each must
 * exit with 0 and print what shows it worked.
 */
import { describe, expect, it } from 'vitest';
import { describeExit, runTs } from './support/child.js';
import { ONCE, runExample, TIMEOUT } from './support/examples.js';
import { startRedis } from './support/redis.js';

describe('examples/', () => {
  it('echo-server.ts echoes what echo-client.ts sends, then both exit', { timeout: TIMEOUT }, async () => {
    const server = runTs('examples/echo-server.ts', { env: { ...ONCE, PORT: '0' }, timeout: TIMEOUT - 5000 });
    const [, port] = await server.waitFor(/echo server listening on 127\.0\.0\.1:(\d+)/);
    const client = await runExample('echo-client.ts', { PORT: port as string });
    expect(client.stdout).toMatch(/echo: hello\necho: from\necho: sluice\n3 lines echoed/);
    const exit = await server.exited;
    expect(exit.code, describeExit('echo-server.ts', exit)).toBe(0);
    expect(exit.stdout).toMatch(/client done: .*framesIn: 3/);
    expect(exit.stdout).toMatch(/echo server stopped/);
  });

  it('echo-client.ts sends its arguments when given some', { timeout: TIMEOUT }, async () => {
    const server = runTs('examples/echo-server.ts', { env: { ...ONCE, PORT: '0' }, timeout: TIMEOUT - 5000 });
    const [, port] = await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
    const client = await runTs('examples/echo-client.ts', { args: ['one', 'two words'], env: { PORT: port as string } })
      .exited;
    expect(client.code, describeExit('echo-client.ts', client)).toBe(0);
    expect(client.stdout).toMatch(/echo: one\necho: two words\n2 lines echoed/);
    expect((await server.exited).code).toBe(0);
  });

  it.skipIf(process.env.SLUICE_SKIP_REDIS === '1')(
    'redis-resp.ts talks to a real redis-server through the custom RESP codec',
    { timeout: TIMEOUT },
    async () => {
      const redis = await startRedis(); // fails with REDIS_MISSING if redis-server is not installed
      try {
        const { stdout } = await runExample('redis-resp.ts', { REDIS_PORT: String(redis.port) });
        expect(stdout).toMatch(/PING -> PONG/);
        expect(stdout).toMatch(/SET \S+ hello -> OK/);
        expect(stdout).toMatch(/GET \S+ -> hello/);
        expect(stdout).toMatch(/INCR \S+ -> 1\n.*INCR \S+ -> 2/);
        expect(stdout).toMatch(/1000 pipelined INCRs in [\d.]+ ms, counter now 1002/);
        expect(stdout).toMatch(/WRONGTYPE check -> Redis: WRONGTYPE/);
        expect(stdout).toMatch(/QUIT -> OK/);
      } finally {
        await redis.stop();
      }
    },
  );
});
