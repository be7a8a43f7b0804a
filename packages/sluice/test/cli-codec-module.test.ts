/**
 * `--codec ./module.js`: the real `sluice` with a codec of the user's own,
 * imported from a module (its default export, or the one `#name` picks),
 * talking RESP to a real redis-server; and a module that is not a codec
 * refused in one line.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Redis, startRedis } from './support/redis.js';
import { expectExit, sluice } from './support/sluice-cli.js';

const TIMEOUT = 30_000;
const MODULE = './examples/resp-cli-codec.ts';

const installed = (process.env.PATH ?? '')
  .split(delimiter)
  .some((dir) => dir !== '' && existsSync(join(dir, 'redis-server')));
const skip = !installed && process.env.SLUICE_SKIP_REDIS === '1';

describe.skipIf(skip)('sluice connect --codec ./module against redis-server', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await startRedis();
  }, TIMEOUT);
  afterAll(() => redis?.stop());

  it('sends typed commands through the module fromLine() and prints the replies', { timeout: TIMEOUT }, async () => {
    const run = sluice(['connect', `127.0.0.1:${redis.port}`, '--codec', MODULE], { keepStdinOpen: true });
    run.process.stdin.write('PING\nSET greeting hello\nGET greeting\nNOSUCHCOMMAND\n');
    await run.waitFor(/\(error\) ERR unknown command/, 'stdout');
    run.process.stdin.end(); // redis closes once we have
    const exit = await run.exited;
    expectExit(exit, 0);
    expect(exit.stdout).toMatch(/^PONG\nOK\nhello\n\(error\) ERR unknown command .NOSUCHCOMMAND./);
    expect(exit.stderr).toMatch(/sent 4 frames/);
  });

  it('splits a typed line as redis-cli does (quotes, escapes) and prints a nil reply as (nil)', {
    timeout: TIMEOUT,
  }, async () => {
    const lines = [
      'SET b "hello world"',
      'GET b',
      "SET s 'it\\'s single'",
      'GET s',
      'SET q "say \\"hi\\" \\x41"',
      'GET q',
      'GET no-such-key',
      'SET broken "unbalanced',
      'DEL b s q',
    ];
    const exit = await sluice(['connect', `127.0.0.1:${redis.port}`, '--codec', MODULE], {
      input: `${lines.join('\n')}\n`,
    }).exited;
    expectExit(exit, 1); // the line with an unbalanced quote was skipped
    expect(exit.stdout).toBe(`OK\nhello world\nOK\nit's single\nOK\nsay "hi" A\n(nil)\n3\n`);
    expect(exit.stderr).toMatch(/^sluice: stdin line 8 skipped: .*unbalanced " quote/m);
  });
});

describe('sluice --codec ./module', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-codec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const notCodecFactory = join(dir, 'not-a-codec-factory.mjs');
  writeFileSync(notCodecFactory, 'export default () => ({ name: "half" });\n');

  it('listen takes a named export (#resp) and prints a frame that is not text as JSON', {
    timeout: TIMEOUT,
  }, async () => {
    const run = sluice(['listen', '--port', '0', '--once', '--codec', './examples/resp-codec.ts#resp']);
    const [, port] = await run.waitFor(/listening on 127\.0\.0\.1:(\d+) \(codec resp\)/);
    const peer = net.connect(Number(port), '127.0.0.1');
    peer.end('*3\r\n$4\r\nPING\r\n:5\r\n$-1\r\n+OK\r\n');
    const exit = await run.exited;
    expectExit(exit, 0);
    expect(exit.stdout).toBe('["PING",5,null]\nOK\n');
  });

  it.each([
    [['--codec', './no-such-codec.js'], /^sluice: --codec "\.\/no-such-codec\.js": no such file/],
    [
      ['--codec', './packages/sluice/test/support/redis.ts'],
      /^sluice: --codec ".*redis\.ts" has no export "default"; it exports REDIS_MISSING, startRedis \(pick one with #name\)$/,
    ],
    [
      ['--codec', './packages/sluice/test/support/redis.ts#REDIS_MISSING'],
      /^sluice: --codec ".*#REDIS_MISSING": its export "REDIS_MISSING" is not a Codec .*, got string$/,
    ],
    [
      ['--codec', notCodecFactory],
      /^sluice: --codec ".*": its export "default" is a function, but it returned an object, not a Codec \(an object with decoder\(\) and encoder\(\)\)$/,
    ],
    [['--codec', `${MODULE}`, '--width', '2'], /^sluice: --width only applies to the built-in codecs/],
  ])('refuses %j in one line (exit 2)', { timeout: TIMEOUT }, async (args, message) => {
    const exit = await sluice(['connect', '127.0.0.1:1', ...args]).exited;
    expectExit(exit, 2);
    expect(exit.stderr.trim()).toMatch(message);
  });
});
