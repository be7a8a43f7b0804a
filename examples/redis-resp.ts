/**
 * Talking to a real Redis server with a hand-written codec.
 *
 * Shows a custom `Codec` (examples/resp-codec.ts) plugged into
 * `conn.framed()`: from then on the connection reads and writes Redis values,
 * not bytes. Then request/reply (PING, SET, GET, INCR), and pipelining:
 * 1000 commands written back to back while their replies are read.
 *
 * Needs a redis-server (Debian: apt-get install redis-server):
 *
 *   redis-server --port 6379 --save ''            (in another terminal)
 *   pnpm exec tsx examples/redis-resp.ts           (REDIS_PORT, default 6379)
 *   pnpm exec tsx examples/redis-resp.ts SET greeting hi    (runs one command)
 *
 * It always ends by itself (SLUICE_EXAMPLE_ONCE=1 changes nothing here).
 */
import { connect, type Framed } from 'sluice';
import { RespError, type RespValue, resp } from './resp-codec.js';

const host = process.env.REDIS_HOST ?? '127.0.0.1';
const port = Number(process.env.REDIS_PORT ?? 6379);

await using conn = await connect({ host, port, timeout: 5000 }).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'ECONNREFUSED') throw error;
  // Nothing to debug here, so no stack trace: the one line says what to do.
  console.error(`No Redis at ${host}:${port}: start one with  redis-server --port ${port} --save ''`);
  process.exit(1);
});
const redis: Framed<RespValue> = conn.framed(resp());
// One iterator for every reply: a reply always answers the oldest command still waiting.
const replies = redis[Symbol.asyncIterator]();

/** Sends one command and returns its reply; an error reply is thrown. */
async function command(...args: string[]): Promise<RespValue> {
  await redis.write(args);
  const reply = await replies.next();
  if (reply.done) throw new Error('Redis closed the connection');
  if (reply.value instanceof RespError) throw new Error(`Redis: ${reply.value.message}`);
  return reply.value;
}

const args = process.argv.slice(2);
if (args.length > 0) {
  console.log(await command(...args));
} else {
  const key = `sluice:example:${process.pid}`;
  console.log('PING ->', await command('PING'));
  console.log(`SET ${key} hello ->`, await command('SET', key, 'hello'));
  console.log(`GET ${key} ->`, await command('GET', key));
  console.log(`INCR ${key}:n ->`, await command('INCR', `${key}:n`));
  console.log(`INCR ${key}:n ->`, await command('INCR', `${key}:n`));

  // Pipelining: write 1000 INCRs without waiting, read the 1000 replies as
  // they come. Writing and reading run side by side, so neither side's
  // buffers fill up, however many commands there are.
  const count = 1000;
  const started = performance.now();
  const writing = redis.writeAll(Array.from({ length: count }, () => ['INCR', `${key}:n`]));
  let last: RespValue = null;
  const reading = (async () => {
    for (let i = 0; i < count; i++) {
      const reply = await replies.next();
      if (reply.done) throw new Error('Redis closed the connection');
      last = reply.value;
    }
  })();
  await Promise.all([writing, reading]);
  console.log(
    `${count} pipelined INCRs in ${(performance.now() - started).toFixed(1)} ms, counter now ${String(last)}`,
  );

  // A command Redis refuses comes back as an error value, not a broken connection.
  console.log('WRONGTYPE check ->', await command('LPUSH', key, 'x').catch((error: Error) => error.message));
  console.log(`DEL ->`, await command('DEL', key, `${key}:n`));
}

// QUIT: Redis answers +OK, then closes its end; `await using` closes ours.
console.log('QUIT ->', await command('QUIT'));
