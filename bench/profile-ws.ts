/**
 * Part 1 of bench/websocket.ts, one receiver alone, for a CPU profile: a
 * server receiving `count` small JSON text messages (default 300,000) from
 * plain `ws` in a child process (bench/ws-sender.mjs), `rounds` times
 * (default 5) after a warm-up. Prints each round's rate, then writes one
 * profile of the timed rounds. Summarize it with profile-summary.ts:
 *
 *   pnpm build
 *   pnpm bench:one bench/profile-ws.ts sluice 300000 5   # writes bench/results/profile-ws-sluice.cpuprofile
 *   pnpm bench:one bench/profile-summary.ts bench/results/profile-ws-sluice.cpuprofile
 *
 * Receivers: `sluice` (`for await` over `framed(json({ framing: messages() }))`),
 * `ws` ('message' + `JSON.parse`), `floor` (the same values handed out by the
 * smallest async iterator, read with `for await`: what the shape itself
 * costs); add `--no-profile` to time without the profiler.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { json } from '@sluice/codec';
import { listen, messages } from '@sluice/ws';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';

const HOST = '127.0.0.1';
const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const [name = 'sluice', countText = '300000', roundsText = '5'] = args;
const profiling = !process.argv.includes('--no-profile');
const count = Number(countText);

const child = fork(new URL('./ws-sender.mjs', import.meta.url), [], { execArgv: [], stdio: 'inherit' });
await once(child, 'message');
const send = (url: string, n: number) =>
  new Promise<void>((resolve) => {
    child.once('message', () => resolve());
    child.send({ url, count: n });
  });

interface Tick {
  type: string;
}
const codec = json<Tick>({ framing: messages() });
const listener = await listen({ host: HOST, port: 0 });
const wss = new WebSocketServer({ host: HOST, port: 0, perMessageDeflate: false, maxPayload: 1 << 20 });
await once(wss, 'listening');

const receivers: Record<string, (n: number) => Promise<number>> = {
  async sluice(n) {
    const accepted = listener.accept();
    const sent = send(`ws://${HOST}:${listener.port}/`, n);
    const conn = (await accepted)!;
    let received = 0;
    for await (const value of conn.framed(codec)) if (value.type === 'tick') received++;
    await conn.close();
    await sent;
    return received;
  },
  async ws(n) {
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const sent = send(`ws://${HOST}:${(wss.address() as { port: number }).port}/`, n);
    const [ws] = await accepted;
    let received = 0;
    ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as Tick).type === 'tick') received++;
    });
    await once(ws, 'close');
    await sent;
    return received;
  },
  /** `ws` + JSON.parse under the smallest async iterable (as profile-echo.ts's floor): the shape's own cost. */
  async floor(n) {
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const sent = send(`ws://${HOST}:${(wss.address() as { port: number }).port}/`, n);
    const [ws] = await accepted;
    const queue: (Tick | undefined)[] = [];
    let waiting: ((result: IteratorResult<Tick>) => void) | undefined;
    const deliver = (value: Tick | undefined) => {
      if (waiting === undefined) return void queue.push(value);
      const resolve = waiting;
      waiting = undefined;
      resolve(value === undefined ? { value: undefined, done: true } : { value, done: false });
    };
    ws.on('message', (data) => deliver(JSON.parse(data.toString()) as Tick));
    ws.on('close', () => deliver(undefined));
    const values: AsyncIterable<Tick> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (queue.length === 0) return new Promise((resolve) => (waiting = resolve));
          const value = queue.shift();
          return Promise.resolve(value === undefined ? { value: undefined, done: true } : { value, done: false });
        },
      }),
    };
    let received = 0;
    for await (const value of values) if (value.type === 'tick') received++;
    await sent;
    return received;
  },
};
const receive = receivers[name];
if (receive === undefined) throw new Error(`profile-ws: no receiver ${name}; pick one of ${Object.keys(receivers)}`);
await receive(50_000);
const session = new Session();
if (profiling) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
for (let round = 0; round < Number(roundsText); round++) {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const received = await receive(count);
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - start) / 1000;
  const perMessage = (used.user + used.system) / received;
  console.log(
    `${name}: ${(received / seconds / 1e6).toFixed(3)} M messages/s, ${perMessage.toFixed(2)} µs CPU per message`,
  );
}
if (profiling) {
  const { profile } = await session.post('Profiler.stop');
  const file = new URL(`results/profile-ws-${name}.cpuprofile`, import.meta.url).pathname;
  writeFileSync(file, JSON.stringify(profile));
  console.log(`profile: ${file}`);
}
child.disconnect();
await listener.close();
await new Promise((resolve) => wss.close(resolve));
