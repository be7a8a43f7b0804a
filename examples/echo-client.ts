/**
 * An echo client: sends lines, half-closes, prints what comes back.
 *
 * Shows `connect()`, framed writes, `closeWrite()` (TCP half-close: "I have
 * nothing more to send, but keep talking") and reading until the server ends.
 *
 * Start examples/echo-server.ts first, then:
 *
 *   pnpm exec tsx examples/echo-client.ts hello world      (sends the arguments)
 *   pnpm exec tsx examples/echo-client.ts                  (sends each line you type; Ctrl-D ends)
 *
 * PORT (default 7000) and HOST (default 127.0.0.1) say where the server is.
 * With SLUICE_EXAMPLE_ONCE=1 and no arguments it sends three fixed lines.
 */
import readline from 'node:readline';
import { connect, lines } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 7000);

const args = process.argv.slice(2);
const input: Iterable<string> | AsyncIterable<string> =
  args.length > 0 ? args : ONCE ? ['hello', 'from', 'sluice'] : readline.createInterface({ input: process.stdin });

// `await using` closes the connection when this module's top level ends,
// whatever happens in between. Nothing listening is the common first
// mistake: say so in one line rather than with a stack trace.
await using conn = await connect({ host, port, timeout: 5000 }).catch((error: NodeJS.ErrnoException) => {
  const reason =
    error.code === 'ECONNREFUSED'
      ? 'nothing is listening there: start examples/echo-server.ts first, or set PORT to its port'
      : error.message;
  console.error(`echo-client: cannot connect to ${host}:${port}: ${reason}`);
  process.exit(1);
});
const io = conn.framed(lines());

// Writing and reading run side by side: the server may answer before we are
// done sending (and must, if we send more than the socket buffers can hold).
const sending = (async () => {
  await io.writeAll(input);
  await io.closeWrite();
})();

let received = 0;
for await (const line of io) {
  console.log(`echo: ${line}`);
  received++;
}
await sending;
console.log(`${received} lines echoed, ${conn.counters.bytesOut} bytes out, ${conn.counters.bytesIn} bytes in`);
