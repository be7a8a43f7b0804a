/**
 * A cluster whose primary disconnects its worker the usual way
 * (`worker.disconnect()`, which closes the worker's servers underneath it)
 * while a client is connected. Prints one JSON line: whether the worker's
 * `serve()` resolved once the client had finished, and its exit code.
 *
 *   node --import tsx packages/net/test/support/cluster-disconnect.ts
 */
import cluster from 'node:cluster';
import { once } from 'node:events';
import net from 'node:net';
import { listen } from '@sluice/net';

if (cluster.isPrimary) {
  cluster.setupPrimary({ execArgv: ['--import', 'tsx'], silent: true });
  const worker = cluster.fork();
  let output = '';
  worker.process.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  const [port] = (await once(worker, 'message')) as [number];
  const client = net.connect({ port, host: '127.0.0.1' });
  client.setEncoding('utf8');
  client.write('ping');
  await once(client, 'data'); // the worker is serving this connection
  const exited = once(worker, 'exit');
  worker.disconnect(); // closes the worker's listening server, then (once connections end) its IPC channel
  client.end();
  client.resume();
  const [code] = (await exited) as [number];
  console.log(JSON.stringify({ exitCode: code, serveResolved: output.includes('serve resolved') }));
} else {
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  process.send!('port' in listener.address ? listener.address.port : 0);
  await listener.serve(async (conn) => {
    for await (const chunk of conn) await conn.write(chunk);
  });
  console.log('serve resolved');
}
