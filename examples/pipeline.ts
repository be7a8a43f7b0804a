/**
 * A pipeline over a socket's frames: `pipe()` with `filter`, `map`, `batch`,
 * `tap` and `take`.
 *
 * A sensor server streams NDJSON readings as fast as the client takes them.
 * The client drops broken readings, converts units, groups readings in
 * batches of 100 (or whatever arrived within 50 ms), summarises each batch,
 * and stops after 5 summaries. Stopping is the interesting part: `take(5)`
 * returns every step back to the socket, which closes the connection; the
 * server sees the client leave and stops sending.
 *
 * Backpressure at work: the server's `await io.write()` waits once the
 * client stops reading, so the server can only run ahead by what the socket
 * buffers hold (on Linux the kernel grows them to a few MiB, plus 64 KiB in
 * Sluice's read queue). The counts printed at the end show it.
 *
 * Run:   pnpm exec tsx examples/pipeline.ts       (server on port 7003, or PORT=…)
 * It runs the pipeline once, then keeps streaming to anyone who connects:
 *   pnpm exec tsx packages/sluice/src/cli.ts connect 127.0.0.1:7003 --codec json
 *
 * With SLUICE_EXAMPLE_ONCE=1 it picks a free port, runs the pipeline, and exits.
 */
import { batch, connect, drain, filter, json, listen, map, pipe, take, tap } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7003));

interface Reading {
  sensor: string;
  seq: number;
  /** null when the sensor failed to read. */
  celsius: number | null;
}

// ---- The server: an endless stream of readings ------------------------------

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());
const listener = await listen({ host: '127.0.0.1', port: PORT });
const { port } = listener.address as { port: number };
console.log(`sensor server on 127.0.0.1:${port}`);

const served = listener.serve(
  async (conn, { signal }) => {
    const io = conn.framed(json<Reading>());
    // The client sends nothing: its end of stream means "stop sending".
    const clientLeft = new AbortController();
    pipe(io, drain())
      .finally(() => clientLeft.abort())
      .catch(() => {});
    const stop = AbortSignal.any([signal, clientLeft.signal]);
    try {
      // `await io.write()` waits whenever the client is behind, so this loop
      // runs exactly as fast as the client reads.
      for (let seq = 0; !stop.aborted; seq++) {
        const sensor = ['north', 'south', 'east'][seq % 3] as string;
        const celsius = seq % 17 === 0 ? null : Math.round((15 + 10 * Math.sin(seq / 50)) * 10) / 10;
        await io.write({ sensor, seq, celsius }, { signal: stop });
      }
    } catch (error) {
      if (!stop.aborted) throw error; // a write stopped by the signal is the normal way out
    }
    console.log(
      `server: client left; ${conn.counters.framesOut} readings were written, most of them still in socket buffers`,
    );
  },
  { signal: shutdown.signal, shutdownTimeout: 5000 },
);

// ---- The client: a pipeline over the connection's frames --------------------

const conn = await connect({ host: '127.0.0.1', port, timeout: 5000 });
let read = 0; // readings this pipeline took from the connection
let broken = 0;
const summaries = pipe(
  conn.framed(json<Reading>()),
  tap((reading) => {
    read++;
    if (reading.celsius === null) broken++;
  }),
  filter((reading): reading is Reading & { celsius: number } => reading.celsius !== null),
  map((reading) => ({ ...reading, fahrenheit: (reading.celsius * 9) / 5 + 32 })),
  batch({ size: 100, maxWait: 50 }),
  map((readings) => {
    const mean = readings.reduce((sum, r) => sum + r.fahrenheit, 0) / readings.length;
    return `readings ${readings[0]?.seq}..${readings.at(-1)?.seq}: ${readings.length} good, mean ${mean.toFixed(1)} °F`;
  }),
  take(5),
);
for await (const summary of summaries) console.log(summary);
// take(5) has closed the connection: the server notices and stops.
await conn.closed;
// counters.framesIn counts frames decoded: whole chunks at a time, so more than were read.
console.log(
  `client: read ${read} readings, dropped ${broken} broken ones, connection closed (${conn.counters.framesIn} decoded)`,
);

if (ONCE) shutdown.abort();
else console.log(`serving; try: pnpm sluice connect 127.0.0.1:${port} --codec json   (Ctrl-C stops)`);
await served;
console.log('sensor server stopped');
