/**
 * The load scenario: thousands of client connections held open at the same
 * time against one `serve()` echo, each exchanging frames, all checked. Used
 * in-process by `reliability/load.test.ts`, or in a child process with a
 * raised file limit through `load-main.ts`.
 */
import { lengthPrefixed } from '@sluice/codec';
import { connect, listen } from '@sluice/net';

export interface LoadOptions {
  /** Connections held open at once. */
  connections: number;
  /** Frames each connection sends and expects back (the first one before the barrier). */
  frames: number;
  /** Connections opened at a time while ramping up. */
  batch: number;
}

export interface LoadResult {
  connections: number;
  /** Most server handlers running at the same moment. */
  peakOpen: number;
  /** Frames sent by all clients, and frames echoed back intact. */
  framesSent: number;
  framesEchoed: number;
  /** Client or server errors, by code. */
  errors: Record<string, number>;
  rampMs: number;
  exchangeMs: number;
  /** Memory growth while every connection was held. */
  rssMiB: number;
  heapUsedMiB: number;
}

const codec = lengthPrefixed({ width: 'varint' });

function frameFor(client: number, index: number): Uint8Array {
  return new TextEncoder().encode(`client ${client} frame ${index} ${'.'.repeat(index % 64)}`);
}

/** Runs the scenario and reports what happened; it never throws for a failed connection (it counts it). */
export async function holdConnections({ connections, frames, batch }: LoadOptions): Promise<LoadResult> {
  const errors: Record<string, number> = {};
  const count = (error: unknown) => {
    const code = String((error as { code?: string }).code ?? (error as Error).message);
    errors[code] = (errors[code] ?? 0) + 1;
  };
  const before = process.memoryUsage();
  const listener = await listen({ host: '127.0.0.1', port: 0 }); // backlog 4096
  let open = 0;
  let peakOpen = 0;
  const served = listener.serve(
    async (conn) => {
      peakOpen = Math.max(peakOpen, ++open);
      try {
        const io = conn.framed(codec);
        for await (const frame of io) await io.write(frame);
      } finally {
        open--;
      }
    },
    { onError: count },
  );

  let release!: () => void;
  const barrier = new Promise<void>((resolve) => (release = resolve));
  let echoed = 0;
  const client = async (id: number, ready: () => void) => {
    const conn = await connect({ ...listener.address, timeout: 30_000 });
    const io = conn.framed(codec);
    const answers = io[Symbol.asyncIterator]();
    try {
      await io.write(frameFor(id, 0));
      const first = await answers.next();
      if (!first.done && same(first.value, frameFor(id, 0))) echoed++;
      ready();
      await barrier; // every connection is open now: exchange the rest at once
      for (let i = 1; i < frames; i++) await io.write(frameFor(id, i));
      await io.closeWrite();
      for (let i = 1; ; i++) {
        const next = await answers.next();
        if (next.done) break;
        if (same(next.value, frameFor(id, i))) echoed++;
      }
    } finally {
      await conn.close();
    }
  };

  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let first = 0; first < connections; first += batch) {
    const wave: Promise<void>[] = [];
    for (let id = first; id < Math.min(first + batch, connections); id++) {
      let ready!: () => void;
      wave.push(new Promise<void>((resolve) => (ready = resolve)));
      const run = client(id, ready).catch((error: unknown) => {
        count(error);
        ready();
      });
      running.push(run);
    }
    await Promise.all(wave);
  }
  const rampMs = performance.now() - started;
  const held = process.memoryUsage();
  const exchangeStart = performance.now();
  release();
  await Promise.all(running);
  const exchangeMs = performance.now() - exchangeStart;
  await listener.close();
  await served;
  return {
    connections,
    peakOpen,
    framesSent: connections * frames,
    framesEchoed: echoed,
    errors,
    rampMs: Math.round(rampMs),
    exchangeMs: Math.round(exchangeMs),
    rssMiB: Math.round((held.rss - before.rss) / 2 ** 20),
    heapUsedMiB: Math.round((held.heapUsed - before.heapUsed) / 2 ** 20),
  };
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b)) === 0;
}
