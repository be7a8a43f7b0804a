/**
 * TLS: the same line server and client as the echo example, encrypted.
 *
 * `listen({ tls: { key, cert } })` serves TLS and `connect({ tls: { ca } })`
 * dials it; everything else (framing, backpressure, half-close) is unchanged.
 * The certificates are the test fixtures in packages/net/test/fixtures: a
 * private CA and a certificate for `localhost` it signed. The client trusts
 * that CA only, and checks that the server's certificate names `localhost`.
 *
 * Run:   pnpm exec tsx examples/tls.ts       (server on port 7005, or PORT=…)
 * It calls itself once, then keeps serving. Try:
 *   pnpm exec tsx packages/sluice/src/cli.ts connect localhost:7005 --tls --ca packages/net/test/fixtures/ca.crt
 *   or: openssl s_client -connect localhost:7005 -CAfile packages/net/test/fixtures/ca.crt
 *
 * With SLUICE_EXAMPLE_ONCE=1 it picks a free port, calls itself, and exits.
 */
import { readFileSync } from 'node:fs';
import { connect, lines, listen } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7005));
const fixture = (name: string) => readFileSync(new URL(`../packages/net/test/fixtures/${name}`, import.meta.url));

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());

// A client whose handshake fails is told here (its message says "TLS handshake failed: …"); the
// server carries on. `sawFailedHandshake` lets the self-test wait for the refused client below.
let sawFailedHandshake: () => void = () => {};
const failedHandshake = new Promise<void>((resolve) => (sawFailedHandshake = resolve));
const listener = await listen({
  host: '127.0.0.1',
  port: PORT,
  tls: { key: fixture('server.key'), cert: fixture('server.crt') },
  onClientError: (error) => {
    console.log(`server: ${error.message}`);
    sawFailedHandshake();
  },
});
const { port } = listener.address as { port: number };
console.log(`TLS echo server on localhost:${port}`);

const served = listener.serve(
  async (conn) => {
    const io = conn.framed(lines());
    for await (const line of io) await io.write(`secure echo: ${line}`);
  },
  { signal: shutdown.signal },
);

// `connect()` resolves once the handshake has succeeded: the certificate was
// signed by our CA and names `localhost` (the host we dialled).
{
  await using conn = await connect({ host: 'localhost', port, tls: { ca: fixture('ca.crt') }, timeout: 5000 });
  const io = conn.framed(lines());
  await io.writeAll(['hello', 'over TLS']);
  await io.closeWrite();
  for await (const line of io) console.log(line);
}

// A client that does not trust our CA is refused during the handshake.
const refused = await connect({ host: 'localhost', port, tls: true, timeout: 5000 }).then(
  async (conn) => {
    await conn.close();
    return 'connected?!';
  },
  (error: NodeJS.ErrnoException) => `refused as expected: ${error.code ?? error.message}`,
);
console.log('a client without our CA:', refused);

if (ONCE) {
  await failedHandshake; // the server's side of the refused client
  shutdown.abort();
} else {
  console.log(
    `serving; try: pnpm sluice connect localhost:${port} --tls --ca packages/net/test/fixtures/ca.crt   (Ctrl-C stops)`,
  );
}
await served;
console.log('TLS server stopped');
