/**
 * An echo server and a client written only with observables: `listen$` serves
 * (the echo is one line), `socket$` connects, and RxJS operators do the rest.
 * Runs to completion by itself and prints what it did.
 *
 *   pnpm exec tsx examples/rx-echo.ts
 */
import { lines } from '@sluice/codec';
import { listen$, socket$ } from '@sluice/rx';
import { firstValueFrom, from, map, toArray } from 'rxjs';

const codec = lines();

let reportPort!: (port: number) => void;
const bound = new Promise<number>((resolve) => (reportPort = resolve));
const server = listen$({
  host: '127.0.0.1',
  port: 0,
  codec,
  onListening: (address) => reportPort('port' in address ? address.port : 0),
}).subscribe((sock) => sock.subscribe(sock)); // the whole echo server

const port = await bound;
console.log(`echo server listening on 127.0.0.1:${port}`);

const client = socket$({
  host: '127.0.0.1',
  port,
  codec,
  openObserver: { next: (conn) => console.log('client connected from', conn.localAddress) },
  closeObserver: { next: (event) => console.log(`client connection closed (clean: ${event.wasClean})`) },
});

const words = ['observables', 'all', 'the', 'way', 'down'];
const replies = firstValueFrom(
  client.pipe(
    map((line) => line.toUpperCase()),
    toArray(),
  ),
);
from(words).subscribe(client); // sends each word, then complete() half-closes
console.log('sent    ', words);
console.log('received', await replies);

server.unsubscribe();
console.log('server stopped');
