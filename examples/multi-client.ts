/**
 * One server, many clients: a line-based "shout" server built with
 * `listen()` + `serve()`, and 50 concurrent clients built with `connect()`.
 * Each client sends a few lines, half-closes, and checks it got its own lines
 * back in upper case. Ends by itself.
 *
 * Run: pnpm exec tsx examples/multi-client.ts
 */
import { lines } from '@sluice/codec';
import { connect, listen } from '@sluice/net';

const CLIENTS = 50;
const LINES_PER_CLIENT = 20;

const listener = await listen({ host: '127.0.0.1', port: 0, idleTimeout: 10_000 });
console.log('server listening on', listener.address);

// The server: every connection gets its own handler, all running at once.
const served = listener.serve(async (conn) => {
  const io = conn.framed(lines());
  for await (const line of io) await io.write(line.toUpperCase());
});

// The clients: connect, send, half-close, read the answers until the server ends.
async function client(id: number): Promise<number> {
  await using conn = await connect({ ...listener.address, timeout: 5000 });
  const io = conn.framed(lines());
  const sent = Array.from({ length: LINES_PER_CLIENT }, (_, i) => `client ${id} line ${i}`);
  for (const line of sent) await io.write(line);
  await io.closeWrite();
  const answers: string[] = [];
  for await (const line of io) answers.push(line);
  if (answers.join('\n') !== sent.join('\n').toUpperCase()) throw new Error(`client ${id} got wrong answers`);
  return answers.length;
}

const started = performance.now();
const counts = await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
const elapsed = performance.now() - started;
await listener.close();
await served;
const total = counts.reduce((a, b) => a + b, 0);
console.log(
  `${CLIENTS} clients each got their ${LINES_PER_CLIENT} lines back (${total} lines) in ${elapsed.toFixed(0)} ms`,
);
