/**
 * JSON-RPC 2.0 with `requester()` and `respond()`: examples/json-rpc.ts
 * without the hand-written parts. The server answers up to eight requests at
 * once, each as soon as it is ready (`correlate: 'id'`), and turns a method
 * that throws into a JSON-RPC error with `onError`; the client matches
 * answers to calls by id, with a timeout per call, and hands the server's
 * notifications to `onUnmatched`.
 *
 * Run:   pnpm exec tsx examples/json-rpc-client-server.ts     (server on port 7012, or PORT=…)
 * With SLUICE_EXAMPLE_ONCE=1 it picks a free port, makes its calls, and exits.
 */
import { connect, isSluiceError, json, listen, requester, respond } from 'sluice';

const ONCE = process.env.SLUICE_EXAMPLE_ONCE === '1';
const PORT = Number(process.env.PORT ?? (ONCE ? 0 : 7012));

type Id = string | number;
interface Message {
  jsonrpc: '2.0';
  id?: Id;
  method?: string;
  params?: unknown[];
  result?: unknown;
  error?: { code: number; message: string };
}
const rpc = json<Message>({ maxFrameLength: 1 << 20 });

// ---- The server ------------------------------------------------------------

const methods: Record<string, (params: unknown[], signal: AbortSignal) => unknown> = {
  add: (params) => (params as number[]).reduce((a, b) => a + b, 0),
  // Slower than the calls after it: their answers overtake it.
  slowSquare: async ([n]) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return (n as number) ** 2;
  },
  // Never answers in time: the client's timeout gives up on it.
  sleep: (_, signal) => new Promise((resolve) => signal.addEventListener('abort', resolve)),
};

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort());
const listener = await listen({ host: '127.0.0.1', port: PORT });
console.log(`JSON-RPC server on 127.0.0.1:${listener.port}`);

const served = listener.serve(
  async (conn, { signal }) => {
    const io = conn.framed(rpc);
    await io.write({ jsonrpc: '2.0', method: 'welcome', params: ['a notification from the server'] });
    await respond(
      io,
      async ({ id, method = '', params = [] }, context): Promise<Message | undefined> => {
        const run = methods[method];
        if (run === undefined) throw Object.assign(new Error(`Method not found: ${method}`), { code: -32601 });
        const result = await run(params, context.signal);
        return id === undefined ? undefined : { jsonrpc: '2.0', id, result };
      },
      {
        concurrency: 8,
        correlate: 'id',
        signal,
        // A method that threw becomes an error response (none for a notification).
        onError: (error, { id }): Message | undefined => {
          const { code = -32000, message } = error as { code?: number; message: string };
          return id === undefined ? undefined : { jsonrpc: '2.0', id, error: { code, message } };
        },
      },
    ).catch((error: unknown) => {
      if (!isSluiceError(error, 'ABORT_ERR')) throw error;
    });
  },
  { signal: shutdown.signal, shutdownTimeout: 5000 },
);

// ---- The client ------------------------------------------------------------

const conn = await connect({ host: '127.0.0.1', port: listener.port as number, timeout: 5000 });
const client = requester(conn.framed(rpc), {
  correlate: { requestId: (request) => request.id, responseId: (response) => response.id },
  timeout: 5000,
  onUnmatched: (message) => console.log(`notification: ${message.method}(${JSON.stringify(message.params)})`),
});
let nextId = 1;
const call = async (method: string, ...params: unknown[]) => {
  const response = await client.request({ jsonrpc: '2.0', id: nextId++, method, params }, { timeout: 1000 });
  if (response.error !== undefined) throw new Error(`${response.error.message} (${response.error.code})`);
  return response.result;
};

const [square, sum] = await Promise.all([call('slowSquare', 12), call('add', 2, 3)]);
console.log(`slowSquare(12) = ${square}, add(2, 3) = ${sum}`);
console.log('nope() failed:', await call('nope').catch((error: Error) => error.message));
console.log(
  'sleep() failed:',
  await call('sleep').catch((error: unknown) => (isSluiceError(error) ? error.code : String(error))),
);
console.log(`requests pending: ${client.pending}`);
await client.close();

if (ONCE) shutdown.abort();
await served;
console.log('JSON-RPC server stopped');
