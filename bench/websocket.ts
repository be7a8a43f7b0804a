/**
 * WebSocket: `@sluice/ws` against plain `ws` and RxJS's `webSocket` subject,
 * one small JSON value per text message.
 *
 * 1. Receiving as a server: `for await (v of conn.framed(json({ framing: messages() })))`
 *    (and `.byChunk()`) against `ws` 'message' events with `JSON.parse`.
 * 2. Receiving as a client through RxJS: `observe(conn.framed(...))` against
 *    `webSocket({ url, WebSocketCtor })` (which parses with `JSON.parse` too).
 * 3. Echo round trip p50 and p99, one message at a time, client and server
 *    both Sluice or both plain `ws`, in this process, the two pairs taking
 *    turns in blocks of round trips.
 *
 * For 1 and 2 the sender is plain `ws` in a child process (bench/ws-sender.mjs):
 * in one process its `ws.send()` would be the bottleneck of every receiver.
 *
 * Run: pnpm build && pnpm bench:one bench/websocket.ts [--quick]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { json } from '@sluice/codec';
import { observe } from '@sluice/rx';
import { connect, listen, messages } from '@sluice/ws';
import type { Observable } from 'rxjs';
import { webSocket } from 'rxjs/webSocket';
import WebSocket, { WebSocketServer } from 'ws';
import {
  alternate,
  type BenchOptions,
  type Echoer,
  interleavedLatency,
  isMain,
  latencyRows,
  printRows,
  quickFromArgv,
  type Row,
  row,
} from './support.js';

interface Tick {
  type: string;
  id: number;
}

const HOST = '127.0.0.1';

/** The child process that sends: as a client (`send`) or as a server (`port`, `/?count=N`). */
interface Sender {
  port: number;
  send(url: string, count: number): Promise<void>;
  close(): void;
}

async function startSender(): Promise<Sender> {
  const child = fork(new URL('./ws-sender.mjs', import.meta.url), [], { execArgv: [], stdio: 'inherit' });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  return {
    port,
    send(url, count) {
      return new Promise((resolve, reject) => {
        child.once('message', (answer: { sent?: number; error?: string }) =>
          answer.error === undefined ? resolve() : reject(new Error(`ws-sender: ${answer.error}`)),
        );
        child.send({ url, count });
      });
    },
    close: () => child.disconnect(),
  };
}

function check(name: string, received: number, expected: number): void {
  if (received !== expected) throw new Error(`${name}: received ${received} messages, expected ${expected}`);
}

function countObservable(observable: Observable<Tick>): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    observable.subscribe({
      next: (value) => {
        if (value.type === 'tick') count++;
      },
      error: reject,
      complete: () => resolve(count),
    });
  });
}

/** 1. Receiving as a server, from a sending client in the child process. */
async function serverReceive(sender: Sender, count: number, rounds: number): Promise<Row[]> {
  const codec = json<Tick>({ framing: messages() });
  const listener = await listen({ host: HOST, port: 0 });
  const sluiceUrl = `ws://${HOST}:${listener.port}/`;
  const wss = new WebSocketServer({ host: HOST, port: 0, perMessageDeflate: false, maxPayload: 1 << 20 });
  await once(wss, 'listening');
  const wsUrl = `ws://${HOST}:${(wss.address() as { port: number }).port}/`;

  const sluice = (byChunk: boolean) => async () => {
    const accepted = listener.accept();
    const sent = sender.send(sluiceUrl, count);
    const conn = (await accepted)!;
    const start = performance.now();
    let received = 0;
    const io = conn.framed(codec);
    if (byChunk) {
      for await (const values of io.byChunk()) for (const value of values) if (value.type === 'tick') received++;
    } else {
      for await (const value of io) if (value.type === 'tick') received++;
    }
    const seconds = (performance.now() - start) / 1000;
    await conn.close();
    await sent;
    check('sluice server', received, count);
    return received / seconds;
  };
  const contenders: Record<string, () => Promise<number>> = {
    ws: async () => {
      const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
      const sent = sender.send(wsUrl, count);
      const [ws] = await accepted;
      const start = performance.now();
      let received = 0;
      ws.on('message', (data) => {
        const value = JSON.parse(data.toString()) as Tick;
        if (value.type === 'tick') received++;
      });
      await once(ws, 'close');
      const seconds = (performance.now() - start) / 1000;
      await sent;
      check('ws server', received, count);
      return received / seconds;
    },
    sluice: sluice(false),
    byChunk: sluice(true),
  };
  for (const warmUp of Object.values(contenders)) await warmUp(); // JIT first, so round one is not an outlier
  const rates = await alternate(rounds, contenders);
  await listener.close();
  await new Promise((resolve) => wss.close(resolve));
  return [
    row(
      'server: for await (v of framed(json(msgs)))',
      'm/s',
      rates.sluice!,
      "ws 'message' + JSON.parse",
      rates.ws!,
      0.95, // issue 22's target; the floor (for await over the smallest iterator) measures 0.91: see bench/profile-ws.ts
    ),
    row('server: framed(json(msgs)).byChunk()', 'm/s', rates.byChunk!, "ws 'message' + JSON.parse", rates.ws!),
  ];
}

/**
 * 2. Receiving as a client, from the child process's server, the RxJS way.
 * Each client first sends `{"subscribe":N}`; the server then sends N values,
 * a realistic protocol.
 */
async function clientReceive(sender: Sender, count: number, rounds: number): Promise<Row[]> {
  const codec = json<Tick | { subscribe: number }>({ framing: messages() });
  const url = `ws://${HOST}:${sender.port}/`;
  const request = { subscribe: count };
  const timed = async (name: string, read: () => Promise<number>) => {
    const start = performance.now();
    const received = await read();
    const seconds = (performance.now() - start) / 1000;
    check(name, received, count);
    return received / seconds;
  };
  // Each figure includes connecting: RxJS's subject connects when subscribed.
  const contenders: Record<string, () => Promise<number>> = {
    rxjs: () =>
      timed('rxjs webSocket', () => {
        const subject = webSocket<Tick | { subscribe: number }>({
          url,
          WebSocketCtor: WebSocket as unknown as typeof globalThis.WebSocket,
        });
        const received = countObservable(subject as Observable<Tick>);
        subject.next(request); // buffered by the subject until the socket opens
        return received;
      }),
    observe: () =>
      timed('sluice observe', async () => {
        const conn = await connect(url);
        const io = conn.framed(codec);
        await io.write(request);
        const received = await countObservable(observe(io) as Observable<Tick>);
        await conn.close();
        return received;
      }),
    iterator: () =>
      timed('sluice client', async () => {
        const conn = await connect(url);
        const io = conn.framed(codec);
        await io.write(request);
        let received = 0;
        for await (const value of io as AsyncIterable<Tick>) if (value.type === 'tick') received++;
        await conn.close();
        return received;
      }),
    ws: () =>
      timed('ws client', async () => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        let received = 0;
        ws.on('open', () => ws.send(JSON.stringify(request)));
        ws.on('message', (data) => {
          const value = JSON.parse(data.toString()) as Tick;
          if (value.type === 'tick') received++;
        });
        await once(ws, 'close');
        return received;
      }),
  };
  for (const warmUp of Object.values(contenders)) await warmUp();
  const rates = await alternate(rounds, contenders);
  return [
    row('client: observe(framed(json(msgs)))', 'm/s', rates.observe!, 'rxjs webSocket subject', rates.rxjs!, 1),
    row('client: for await (v of framed(json(msgs)))', 'm/s', rates.iterator!, "ws 'message' + JSON.parse", rates.ws!),
  ];
}

/** 3a. Echo over plain `ws`, client and server, JSON parsed and stringified at both ends. */
async function wsEchoer(): Promise<Echoer> {
  const wss = new WebSocketServer({ host: HOST, port: 0, perMessageDeflate: false, maxPayload: 1 << 20 });
  await once(wss, 'listening');
  wss.on('connection', (ws) => {
    ws.on('message', (data) => ws.send(JSON.stringify(JSON.parse(data.toString()))));
  });
  const ws = new WebSocket(`ws://${HOST}:${(wss.address() as { port: number }).port}/`, { perMessageDeflate: false });
  await once(ws, 'open');
  let answer!: (value: Tick) => void;
  ws.on('message', (data) => answer(JSON.parse(data.toString()) as Tick));
  let id = 0;
  return {
    async roundTrip() {
      const answered = new Promise<Tick>((resolve) => (answer = resolve));
      ws.send(JSON.stringify({ type: 'tick', id: ++id }));
      if ((await answered).id !== id) throw new Error('ws echo: wrong reply');
    },
    async close() {
      ws.close(1000);
      await once(ws, 'close');
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

/** 3b. Echo over `@sluice/ws`, client and server. */
async function sluiceEchoer(): Promise<Echoer> {
  const codec = json<Tick>({ framing: messages() });
  const listener = await listen({ host: HOST, port: 0 });
  const served = listener.serve(async (conn) => {
    const io = conn.framed(codec);
    for await (const value of io) await io.write(value);
  });
  const conn = await connect(`ws://${HOST}:${listener.port}/`);
  const io = conn.framed(codec);
  const replies = io[Symbol.asyncIterator]();
  let id = 0;
  return {
    async roundTrip() {
      await io.write({ type: 'tick', id: ++id });
      const reply = await replies.next();
      if (reply.done === true || reply.value.id !== id) throw new Error('sluice echo: wrong reply');
    },
    async close() {
      await conn.closeWrite();
      await replies.next();
      await conn.close();
      await listener.close();
      await served;
    },
  };
}

/** 3. Echo round trips, the two pairs taking turns (see `interleavedLatency`). */
async function echo(count: number): Promise<Row[]> {
  const latency = await interleavedLatency({ ws: wsEchoer, sluice: sluiceEchoer }, count);
  return latencyRows('echo', latency.sluice!, 'ws client + server', latency.ws!);
}

/** Runs the comparisons; `bench/index.ts` collects the rows. */
export async function run({ quick }: BenchOptions): Promise<Row[]> {
  const count = quick ? 100_000 : 300_000;
  const rounds = quick ? 5 : 7;
  const sender = await startSender();
  try {
    return [
      ...(await serverReceive(sender, count, rounds)),
      ...(await clientReceive(sender, count, rounds)),
      ...(await echo(quick ? 5_000 : 20_000)),
    ];
  } finally {
    sender.close();
  }
}

if (isMain(import.meta.url))
  printRows('WebSocket, one small JSON value per message (@sluice/ws)', await run(quickFromArgv()));
