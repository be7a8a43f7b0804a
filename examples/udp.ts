/**
 * UDP: a datagram echo server and a client, with `bind()`.
 *
 * A `DatagramSocket` is an async iterable of `{ data, address }` (the sender's
 * `{ host, port, family }`) and has `send(data, { host, port })`. Unlike TCP, UDP cannot push back on a fast sender, so received
 * datagrams wait in a bounded queue (`capacity`); what does not fit is
 * dropped and counted in `socket.dropped`, never buffered without limit.
 * UDP may also lose datagrams on a real network, so the client gives up
 * waiting after a deadline instead of hanging.
 *
 * Run:   pnpm exec tsx examples/udp.ts      (server on UDP port 7004, or PORT=…)
 * It pings itself once, then keeps echoing. Try:  nc -u 127.0.0.1 7004
 *
 * With SLUICE_EXAMPLE_ONCE=1 it picks a free port, pings, and exits.
 */
import { bind, collect, pipe, take } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7004));

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());

// The server: upper-cases every datagram back to its sender. Aborting the
// signal closes the socket, which ends the loop.
const server = await bind({ host: '127.0.0.1', port: PORT, capacity: 256, signal: shutdown.signal });
console.log(`UDP echo server on 127.0.0.1:${server.address.port}`);
const serving = (async () => {
  for await (const { data, address } of server) {
    await server.send(new TextDecoder().decode(data).toUpperCase(), address);
  }
})();

// The client: its own socket on a free port; sends pings, reads the replies.
{
  await using client = await bind({ host: '127.0.0.1' });
  const pings = ['ping 1', 'ping 2', 'ping 3'];
  for (const ping of pings) await client.send(ping, server.address);
  // take() stops after the three replies and closes the client socket; the
  // deadline closes it instead if some were lost (the loop then just ends).
  const deadline = setTimeout(() => void client.close(), 5000);
  const replies = await pipe(client, take(pings.length), collect());
  clearTimeout(deadline);
  for (const reply of replies)
    console.log(`reply from ${reply.address.host}:${reply.address.port}: ${new TextDecoder().decode(reply.data)}`);
  console.log(`${replies.length} of ${pings.length} pings answered`);
  if (replies.length !== pings.length) process.exitCode = 1;
}

if (ONCE) shutdown.abort();
else {
  const port = server.address.port;
  console.log(`serving; try: pnpm sluice connect --udp 127.0.0.1:${port}, or nc -u 127.0.0.1 ${port}   (Ctrl-C stops)`);
}
await serving;
console.log(`UDP echo server stopped (dropped ${server.dropped} datagrams)`);
