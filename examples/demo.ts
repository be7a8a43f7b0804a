/**
 * `pnpm start`: a tour of Sluice that ends by itself in a few seconds.
 *
 * It starts one server per codec on loopback (lines, length-prefixed, JSON),
 * runs many concurrent clients against each, verifies every frame that comes
 * back, then does the same with the RxJS face (`listen$` and `socket$`), and
 * prints a table of what it did. Set DEMO_CLIENTS / DEMO_FRAMES to change
 * the load.
 *
 * Run: pnpm start   (or: pnpm exec tsx examples/demo.ts)
 */
import { type Codec, json, lengthPrefixed, lines } from '@sluice/codec';
import { type Connection, connect, listen } from '@sluice/net';
import { listen$, socket$ } from '@sluice/rx';
import { firstValueFrom, from, toArray } from 'rxjs';

const CLIENTS = Number(process.env.DEMO_CLIENTS ?? 100);
const FRAMES = Number(process.env.DEMO_FRAMES ?? 500);

interface Scenario<T> {
  name: string;
  codec: Codec<T>;
  frame(client: number, i: number): T;
}

const scenarios = [
  { name: 'lines', codec: lines(), frame: (c: number, i: number) => `client ${c} says hello #${i} ✓` },
  {
    name: 'length-prefixed (varint)',
    codec: lengthPrefixed({ width: 'varint' }),
    frame: (c: number, i: number) => new TextEncoder().encode(`binary frame ${c}/${i}`),
  },
  { name: 'json (NDJSON)', codec: json(), frame: (c: number, i: number) => ({ client: c, seq: i, tags: ['a', 'b'] }) },
] as Scenario<unknown>[];

interface Row {
  codec: string;
  connections: number;
  frames: number;
  bytes: number;
  ms: number;
  verified: boolean;
}

async function run<T>(scenario: Scenario<T>): Promise<Row> {
  const listener = await listen({ host: '127.0.0.1', port: 0 });
  const served = listener.serve(async (conn) => {
    const io = conn.framed(scenario.codec);
    for await (const frame of io) await io.write(frame); // echo every frame
  });

  let bytes = 0;
  let done = 0;
  const started = performance.now();
  const client = async (id: number): Promise<boolean> => {
    await using conn = await connect(listener.address);
    const io = conn.framed(scenario.codec);
    const sent = Array.from({ length: FRAMES }, (_, i) => scenario.frame(id, i));
    const [, received] = await Promise.all([
      (async () => {
        await io.writeAll(sent);
        await io.closeWrite();
      })(),
      (async () => {
        const out: T[] = [];
        for await (const frame of io) out.push(frame);
        return out;
      })(),
    ]);
    bytes += conn.counters.bytesOut + conn.counters.bytesIn;
    done++;
    if (done % Math.max(1, Math.floor(CLIENTS / 4)) === 0)
      process.stdout.write(`  ${scenario.name}: ${done}/${CLIENTS} clients done\n`);
    return JSON.stringify(received.map(normalise)) === JSON.stringify(sent.map(normalise));
  };
  const results = await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
  const ms = performance.now() - started;
  await listener.close();
  await served;
  return {
    codec: scenario.name,
    connections: CLIENTS,
    frames: CLIENTS * FRAMES * 2,
    bytes,
    ms,
    verified: results.every(Boolean),
  };
}

/** The same echo test, observables only: `listen$` echoes, `socket$` clients send and collect. */
async function runRx(): Promise<Row> {
  const codec = lines();
  let server: { unsubscribe(): void } | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    server = listen$({
      host: '127.0.0.1',
      port: 0,
      codec,
      onListening: (a) => resolve('port' in a ? a.port : 0),
    }).subscribe({
      next: (sock) => sock.subscribe(sock), // echo: the subject's frames go back into it
      error: reject,
    });
  });

  let bytes = 0;
  let done = 0;
  const started = performance.now();
  const client = async (id: number): Promise<boolean> => {
    let conn: Connection | undefined;
    // next() never waits: frames sent in one synchronous burst wait in the
    // subject's bounded buffer (256 frames by default), so size it for the burst.
    const sock = socket$({
      host: '127.0.0.1',
      port,
      codec,
      capacity: FRAMES,
      openObserver: { next: (c) => (conn = c) },
    });
    const sent = Array.from({ length: FRAMES }, (_, i) => `rx client ${id} frame ${i}`);
    const received = firstValueFrom(sock.pipe(toArray()));
    from(sent).subscribe(sock); // sends every frame, then complete() half-closes
    const echoed = await received;
    if (conn !== undefined) bytes += conn.counters.bytesOut + conn.counters.bytesIn;
    done++;
    if (done % Math.max(1, Math.floor(CLIENTS / 4)) === 0)
      process.stdout.write(`  rxjs (lines): ${done}/${CLIENTS} clients done\n`);
    return echoed.join('\n') === sent.join('\n');
  };
  const results = await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
  const ms = performance.now() - started;
  server?.unsubscribe();
  return {
    codec: 'rxjs listen$/socket$ (lines)',
    connections: CLIENTS,
    frames: CLIENTS * FRAMES * 2,
    bytes,
    ms,
    verified: results.every(Boolean),
  };
}

const normalise = (frame: unknown) => (frame instanceof Uint8Array ? Array.from(frame) : frame);

console.log(
  `Sluice demo: ${CLIENTS} concurrent clients per codec, ${FRAMES} frames each way per client, loopback only\n`,
);
const rows: Row[] = [];
for (const scenario of scenarios) rows.push(await run(scenario));
rows.push(await runRx());

console.log('\n codec                        | conns | frames (both ways) |      MiB |    ms | frames/s  | verified');
console.log('------------------------------+-------+--------------------+----------+-------+-----------+---------');
for (const row of rows) {
  console.log(
    ` ${row.codec.padEnd(28)} | ${String(row.connections).padStart(5)} | ${String(row.frames).padStart(18)} | ${(row.bytes / 2 ** 20).toFixed(2).padStart(8)} | ${row.ms.toFixed(0).padStart(5)} | ${Math.round(
      row.frames / (row.ms / 1000),
    )
      .toLocaleString('en')
      .padStart(9)} | ${row.verified ? 'yes' : 'NO'}`,
  );
}
if (!rows.every((row) => row.verified)) {
  console.error('\nSome frames did not come back intact.');
  process.exit(1);
}
console.log('\nEvery frame came back intact. Next: examples/ (pnpm exec tsx examples/multi-client.ts) and the README.');
