/**
 * Metrics for Prometheus: a line server whose listener counters and
 * diagnostics channels are served at `/metrics` with prom-client, the
 * well-kept Prometheus client for Node.
 *
 * Shows the two ways Sluice tells an operator what is going on:
 * - `listener.counters`, a cheap snapshot (open, accepted, refused, errors by
 *   code, bytes and frames in and out), read on each scrape;
 * - `node:diagnostics_channel` messages (`channels.open`, `channels.close`,
 *   `channels.shed`, `channels.frameError`), here turned into a histogram of
 *   connection lifetimes and one log line per shed peer or bad frame.
 *
 * Run:   pnpm exec tsx examples/metrics.ts     (lines on port 7007, metrics on 9464)
 * Then:  nc 127.0.0.1 7007   and   curl -s 127.0.0.1:9464/metrics | grep sluice_
 *
 * With SLUICE_EXAMPLE_ONCE=1 it picks free ports, sends some honest and some
 * bad clients, scrapes its own /metrics once, prints the Sluice lines, checks
 * them, and exits.
 */
import diagnostics from 'node:diagnostics_channel';
import { once } from 'node:events';
import http from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  type ConnectionCloseMessage,
  type ConnectionOpenMessage,
  type ConnectionShedMessage,
  channels,
  connect,
  type FrameErrorMessage,
  type ListenerCounters,
  lines,
  listen,
} from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7007));
const METRICS_PORT = Number(process.env.METRICS_PORT ?? (ONCE ? 0 : 9464));

/** A port that cannot be had (taken by another program, say) is told in one line: exit 1, no stack trace. */
function cannotListen(port: number, variable: string, error: unknown): never {
  const { code, message } = error as NodeJS.ErrnoException;
  console.error(
    code === 'EADDRINUSE'
      ? `port ${port} is already in use: stop what holds it, or set ${variable} to another port`
      : `cannot listen on port ${port}: ${message}`,
  );
  process.exit(1);
}

const listener = await listen({
  host: '127.0.0.1',
  port: PORT,
  idleTimeout: 30_000,
  frameTimeout: 5_000,
  maxConnections: 10_000,
}).catch((error: unknown) => cannotListen(PORT, 'PORT', error));

// --- From the listener's counters, read at each scrape -------------------------------------------
const registry = new Registry();

/**
 * A Prometheus counter that follows one of the listener's totals: prom-client
 * counters only go up by `inc()`, so each scrape adds what grew since the last.
 */
function totalOf(name: string, help: string, read: (counters: ListenerCounters) => number): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read(listener.counters);
      this.inc(now - seen);
      seen = now;
    },
  });
}

new Gauge({
  name: 'sluice_connections_open',
  help: 'Connections accepted and not yet closed',
  registers: [registry],
  collect() {
    this.set(listener.counters.open);
  },
});
totalOf('sluice_connections_accepted_total', 'Connections accepted', (c) => c.accepted);
totalOf('sluice_connections_closed_total', 'Connections closed, gracefully or not', (c) => c.closed);
totalOf('sluice_connections_refused_total', 'Connections turned away (maxConnections, accept queue)', (c) => c.refused);
totalOf('sluice_tls_handshake_failures_total', 'TLS handshakes that failed or timed out', (c) => c.handshakeFailures);
totalOf('sluice_bytes_received_total', 'Bytes received on accepted connections', (c) => c.bytesIn);
totalOf('sluice_bytes_sent_total', 'Bytes sent on accepted connections', (c) => c.bytesOut);
totalOf('sluice_frames_received_total', 'Frames decoded on accepted connections', (c) => c.framesIn);
totalOf('sluice_frames_sent_total', 'Frames written on accepted connections', (c) => c.framesOut);

const seenErrors = new Map<string, number>();
new Counter({
  name: 'sluice_connection_errors_total',
  help: 'Connections that ended with an error, by error code',
  labelNames: ['code'],
  registers: [registry],
  collect() {
    for (const [code, count] of Object.entries(listener.counters.errors)) {
      this.inc({ code }, count - (seenErrors.get(code) ?? 0));
      seenErrors.set(code, count);
    }
  },
});

// --- From the diagnostics channels, as things happen ---------------------------------------------
const lifetime = new Histogram({
  name: 'sluice_connection_duration_seconds',
  help: 'How long server connections stayed open',
  buckets: [0.01, 0.1, 1, 10, 60, 600],
  registers: [registry],
});
const openedAt = new WeakMap<object, number>();
diagnostics.subscribe(channels.open, (message) => {
  const { connection, side } = message as ConnectionOpenMessage;
  if (side === 'server') openedAt.set(connection, performance.now());
});
diagnostics.subscribe(channels.close, (message) => {
  const { connection } = message as ConnectionCloseMessage;
  const start = openedAt.get(connection);
  if (start !== undefined) lifetime.observe((performance.now() - start) / 1000);
});
diagnostics.subscribe(channels.shed, (message) => {
  const { connection, error } = message as ConnectionShedMessage;
  console.log(`shed ${JSON.stringify(connection.remoteAddress)}: ${error.code}`);
});
diagnostics.subscribe(channels.frameError, (message) => {
  const { connection, error } = message as FrameErrorMessage;
  console.log(`bad frame from ${JSON.stringify(connection.remoteAddress)}: ${(error as { code?: string }).code}`);
});

// --- The server, and /metrics --------------------------------------------------------------------
const served = listener.serve(
  async (conn) => {
    const io = conn.framed(lines({ maxFrameLength: 1024 }));
    for await (const line of io) await io.write(line.toUpperCase());
  },
  { onError: () => {} }, // already counted by code, and logged above
);

const metricsServer = http.createServer(async (request, response) => {
  if (request.url !== '/metrics') return void response.writeHead(404).end();
  response.writeHead(200, { 'Content-Type': registry.contentType }).end(await registry.metrics());
});
metricsServer.listen(METRICS_PORT, '127.0.0.1');
await once(metricsServer, 'listening').catch((error: unknown) => cannotListen(METRICS_PORT, 'METRICS_PORT', error));
const metricsPort = (metricsServer.address() as { port: number }).port;
console.log(`lines on 127.0.0.1:${listener.port}, metrics on http://127.0.0.1:${metricsPort}/metrics`);

const shutdown = async () => {
  await listener.close();
  await served;
  metricsServer.close();
};
process.once('SIGINT', () => void shutdown());
if (!ONCE) {
  console.log(
    `serving; try: nc 127.0.0.1 ${listener.port}, and curl -s 127.0.0.1:${metricsPort}/metrics | grep sluice_   (Ctrl-C stops)`,
  );
}

if (ONCE) {
  // Twenty honest clients, each sending three lines.
  await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      await using conn = await connect({ host: '127.0.0.1', port: listener.port as number });
      const io = conn.framed(lines());
      await io.writeAll([`hello ${i}`, 'how are you', 'bye']);
      await io.closeWrite();
      for await (const _ of io) {
        // the three replies
      }
    }),
  );
  // Two bad ones: a line over the limit, and a line that never ends.
  await using rude = await connect({ host: '127.0.0.1', port: listener.port as number });
  await rude.write(`${'x'.repeat(2000)}\n`);
  try {
    for await (const _ of rude) {
      // nothing comes back: the server hangs up on it
    }
  } catch {
    // (or resets the connection)
  }
  const slow = await connect({ host: '127.0.0.1', port: listener.port as number, frameTimeout: 0 });
  await slow.write('a line that never ends');
  // Not waiting 5 s for frameTimeout: the example shows the log line when run by hand.
  slow.destroy();
  await slow.closed;
  while (listener.counters.closed < 22) await new Promise((resolve) => setImmediate(resolve));

  const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const ours = scrape.split('\n').filter((line) => line.startsWith('sluice_') && !line.includes('_bucket'));
  console.log(ours.join('\n'));
  const value = (name: string) => Number(ours.find((line) => line.startsWith(`${name} `))?.split(' ')[1]);
  const ok =
    value('sluice_connections_accepted_total') === 22 &&
    value('sluice_frames_received_total') >= 60 &&
    value('sluice_frames_sent_total') >= 60 &&
    ours.includes('sluice_connection_errors_total{code="ERR_FRAME_TOO_LONG"} 1') &&
    value('sluice_connection_duration_seconds_count') === 22;
  console.log(ok ? 'the scrape shows every connection' : 'THE SCRAPE IS WRONG');
  process.exitCode = ok ? 0 : 1;
  await shutdown();
}
