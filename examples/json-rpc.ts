/**
 * JSON-RPC 2.0 over length-prefixed frames: `json({ framing: lengthPrefixed() })`.
 *
 * Shows a codec built from two others (JSON values, each in a 4-byte
 * length-prefixed frame), a server that answers several requests at once with
 * `pipe()` and a concurrent `map()` (answers keep request order), and a
 * client that matches replies to calls by `id`, so many calls can be in
 * flight on one connection.
 *
 * Run:   pnpm exec tsx examples/json-rpc.ts          (server on port 7006, or PORT=…)
 * It calls itself once to show it works, then keeps serving. Try it with the
 * sluice CLI, which sends each line you type as one frame:
 *   pnpm exec tsx packages/sluice/src/cli.ts connect 127.0.0.1:7006 --codec lp
 *   {"jsonrpc":"2.0","id":1,"method":"add","params":[2,3]}
 *
 * With SLUICE_EXAMPLE_ONCE=1 it picks a free port, makes its calls, and exits.
 */
import { type Connection, connect, filter, json, lengthPrefixed, listen, map, pipe } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7006));

type Id = string | number | null;
interface Request {
  jsonrpc: '2.0';
  id?: Id;
  method: string;
  params?: unknown[] | Record<string, unknown>;
}
interface Response {
  jsonrpc: '2.0';
  id: Id;
  result?: unknown;
  error?: { code: number; message: string };
}

// One codec value serves every connection, both ways. Frames above 1 MiB are
// refused by the reader (before buffering them) and by the writer.
const rpc = json<Request | Response>({ framing: lengthPrefixed({ maxFrameLength: 1 << 20 }) });

// ---- The server ------------------------------------------------------------

/** Invalid params (-32602): thrown by methods that get arguments they cannot use. */
const invalidParams = (message: string) => Object.assign(new Error(`Invalid params: ${message}`), { code: -32602 });
const numbers = (params: unknown[]): number[] => {
  if (!params.every((param) => typeof param === 'number')) throw invalidParams('numbers expected');
  return params as number[];
};

const methods: Record<string, (params: unknown[]) => unknown> = {
  add: (params) => numbers(params).reduce((a, b) => a + b, 0),
  echo: ([value]) => value,
  // Slow on purpose: later requests overtake it inside the server, yet its
  // answer still goes out first, because map() keeps the order.
  slowSquare: async (params) => {
    const [n = 0] = numbers(params);
    await new Promise((resolve) => setImmediate(resolve));
    return n * n;
  },
  log: ([message]) => void console.log(`server log: ${String(message)}`),
};

/** Runs one request; returns its response, or undefined for a notification (no id). */
async function dispatch(message: Request | Response): Promise<Response | undefined> {
  const request = message as Request;
  const id = request.id ?? null;
  const fail = (code: number, text: string): Response => ({ jsonrpc: '2.0', id, error: { code, message: text } });
  if (request.jsonrpc !== '2.0' || typeof request.method !== 'string') return fail(-32600, 'Invalid Request');
  const method = methods[request.method];
  if (method === undefined)
    return request.id === undefined ? undefined : fail(-32601, `Method not found: ${request.method}`);
  try {
    const params = Array.isArray(request.params)
      ? request.params
      : request.params === undefined
        ? []
        : [request.params];
    const result = await method(params);
    return request.id === undefined ? undefined : { jsonrpc: '2.0', id, result: result ?? null };
  } catch (error) {
    const { code = -32000, message } = error as { code?: number; message: string };
    return request.id === undefined ? undefined : fail(code, message);
  }
}

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());
const listener = await listen({ host: '127.0.0.1', port: PORT });
const { port } = listener.address as { port: number };
console.log(`JSON-RPC server on 127.0.0.1:${port}`);

const served = listener.serve(
  async (conn) => {
    const io = conn.framed(rpc);
    // Requests in, responses out: up to 8 requests run at once, answers in order.
    const responses = pipe(
      io,
      map(dispatch, { concurrency: 8 }),
      filter((response): response is Response => response !== undefined),
    );
    await io.writeAll(responses);
  },
  { signal: shutdown.signal, shutdownTimeout: 5000 },
);

// ---- The client ------------------------------------------------------------

/** A JSON-RPC client: `call()` sends a request and resolves with its result. */
class RpcClient {
  readonly #io;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly #reading: Promise<void>;
  #nextId = 1;

  constructor(conn: Connection) {
    this.#io = conn.framed(rpc);
    this.#reading = this.#read();
  }

  call(method: string, ...params: unknown[]): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#io.write({ jsonrpc: '2.0', id, method, params }).catch(reject);
    });
  }

  notify(method: string, ...params: unknown[]): Promise<void> {
    return this.#io.write({ jsonrpc: '2.0', method, params });
  }

  /** Half-closes, waits for the answers still due, and ends. */
  async close(): Promise<void> {
    await this.#io.closeWrite();
    await this.#reading;
  }

  async #read(): Promise<void> {
    for await (const message of this.#io) {
      const response = message as Response;
      const call = this.#pending.get(response.id as number);
      this.#pending.delete(response.id as number);
      if (response.error) call?.reject(new Error(`${response.error.message} (${response.error.code})`));
      else call?.resolve(response.result);
    }
    for (const call of this.#pending.values()) call.reject(new Error('The server closed the connection'));
  }
}

const client = new RpcClient(await connect({ host: '127.0.0.1', port, timeout: 5000 }));
const [sum, square, echoed] = await Promise.all([
  client.call('add', 2, 3),
  client.call('slowSquare', 12),
  client.call('echo', { nested: ['values', 1, true] }),
]);
console.log('add(2, 3) =', sum);
console.log('slowSquare(12) =', square);
console.log('echo =', echoed);
await client.notify('log', 'a notification gets no answer');
console.log('nope() failed:', await client.call('nope').catch((error: Error) => error.message));
console.log("add('two', 2) failed:", await client.call('add', 'two', 2).catch((error: Error) => error.message));
await client.close();

if (ONCE) shutdown.abort();
else {
  console.log(`serving; try: pnpm sluice connect 127.0.0.1:${port} --codec lp   (Ctrl-C stops)`);
  console.log('  then type: {"jsonrpc":"2.0","id":1,"method":"add","params":[2,3]}');
}
await served;
console.log('JSON-RPC server stopped');
