/**
 * `requester()` and `respond()` against implementations written elsewhere,
 * over real loopback TCP: JSON-RPC 2.0 with the `json-rpc-2.0` package on
 * the other end (its server behind a plain `node:net` server reading lines
 * with `node:readline`, its client over a plain `node:net` socket), and
 * pipelined commands to a real redis-server matched by order with the RESP
 * codec of examples/resp-codec.ts.
 */
import { once } from 'node:events';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { JSONRPCClient, type JSONRPCRequest, type JSONRPCResponse, JSONRPCServer } from 'json-rpc-2.0';
import { connect, json, lines, listen, requester, respond } from 'sluice';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RespValue, resp } from '../../../examples/resp-codec.js';
import { type Redis, startRedis } from './support/redis.js';

type RpcMessage = JSONRPCRequest | JSONRPCResponse;
const byId = {
  requestId: (request: RpcMessage) => request.id,
  responseId: (response: RpcMessage) => response.id ?? undefined,
};

describe('JSON-RPC with json-rpc-2.0 on the other end', () => {
  it("Sluice's requester against json-rpc-2.0's server: replies out of order reach their own calls", async () => {
    const server = new JSONRPCServer();
    // The first call answers last: replies go out in the reverse order of the calls.
    server.addMethod('echoAfter', async ({ value, ms }: { value: number; ms: number }) => {
      await delay(ms);
      return value;
    });
    const notices: RpcMessage[] = [];
    const tcp = net.createServer((socket) => {
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'hello', params: [] })}\n`); // a notification
      createInterface({ input: socket }).on('line', async (line) => {
        const reply = await server.receiveJSON(line);
        if (reply !== null && socket.writable) socket.write(`${JSON.stringify(reply)}\n`);
      });
      socket.on('error', () => {});
    });
    tcp.listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    const { port } = tcp.address() as net.AddressInfo;
    try {
      const conn = await connect({ host: '127.0.0.1', port });
      await using rpc = requester(conn.framed(json<RpcMessage>()), {
        correlate: byId,
        timeout: 10_000,
        onUnmatched: (m) => notices.push(m),
      });
      const count = 20;
      const calls = Array.from({ length: count }, (_, i) =>
        rpc.request({ jsonrpc: '2.0', id: i, method: 'echoAfter', params: { value: i * 10, ms: (count - i) * 2 } }),
      );
      const replies = await Promise.all(calls);
      expect(replies.map((reply) => (reply as JSONRPCResponse).id)).toEqual(Array.from({ length: count }, (_, i) => i));
      expect(replies.map((reply) => (reply as { result?: unknown }).result)).toEqual(
        Array.from({ length: count }, (_, i) => i * 10),
      );
      const missing = await rpc.request({ jsonrpc: '2.0', id: 'x', method: 'nope' });
      expect((missing as JSONRPCResponse).error?.code).toBe(-32601);
      expect(notices).toEqual([{ jsonrpc: '2.0', method: 'hello', params: [] }]);
      expect(rpc.pending).toBe(0);
    } finally {
      tcp.close();
    }
  });

  it("json-rpc-2.0's client against Sluice's respond(): results and errors, answered as they complete", async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    const served = listener.serve((conn) =>
      respond(
        conn.framed(json<RpcMessage>()),
        async (message) => {
          const request = message as JSONRPCRequest;
          const [a, b] = request.params as [number, number];
          if (request.method !== 'divide') throw Object.assign(new Error('Method not found'), { code: -32601 });
          if (b === 0) throw Object.assign(new Error('Division by zero'), { code: 1 });
          await delay(a % 7); // some finish before others sent earlier
          return request.id === undefined ? undefined : ({ jsonrpc: '2.0', id: request.id, result: a / b } as const);
        },
        {
          concurrency: 8,
          correlate: 'id',
          onError: (error, message) => {
            const { code = -32603, message: text } = error as { code?: number; message: string };
            const id = (message as JSONRPCRequest).id;
            return id === undefined ? undefined : ({ jsonrpc: '2.0', id, error: { code, message: text } } as const);
          },
        },
      ),
    );
    const socket = net.connect({ host: '127.0.0.1', port: listener.port as number });
    await once(socket, 'connect');
    const client = new JSONRPCClient((request) => void socket.write(`${JSON.stringify(request)}\n`));
    createInterface({ input: socket }).on('line', (line) => client.receive(JSON.parse(line) as JSONRPCResponse));
    const quotients = await Promise.all(Array.from({ length: 30 }, (_, i) => client.request('divide', [i * 6, 3])));
    expect(quotients).toEqual(Array.from({ length: 30 }, (_, i) => i * 2));
    await expect(client.request('divide', [1, 0])).rejects.toThrow('Division by zero');
    await expect(client.request('multiply', [1, 2])).rejects.toThrow('Method not found');
    socket.end();
    await once(socket, 'close');
    await listener.close();
    expect(await served).toMatchObject({ served: 1, failed: 0 });
  });

  it('lines() framing: a requester and respond() talk to each other by order', async () => {
    await using listener = await listen({ host: '127.0.0.1', port: 0 });
    void listener.serve((conn) => respond(conn.framed(lines()), async (line) => `${line.length}`, { concurrency: 4 }));
    await using rpc = requester((await connect(listener.address)).framed(lines()), { correlate: 'order' });
    const words = ['a', 'bb', 'ccc', 'dddd', ''];
    expect(await Promise.all(words.map((word) => rpc.request(word)))).toEqual(words.map((w) => `${w.length}`));
  });
});

describe('pipelined commands to redis-server, matched by order', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('many commands in flight each resolve to their own reply', async () => {
    const conn = await connect({ host: '127.0.0.1', port: redis.port });
    await using rpc = requester(conn.framed(resp()), { correlate: 'order', maxPending: 16 });
    const count = 200;
    const sets = Array.from({ length: count }, (_, i) => rpc.request(['SET', `rr:${i}`, `value ${i}`]));
    const gets = Array.from({ length: count }, (_, i) => rpc.request(['GET', `rr:${i}`]));
    const incrs = Array.from({ length: count }, () => rpc.request(['INCR', 'rr:counter']));
    expect(await Promise.all(sets)).toEqual(Array(count).fill('OK'));
    expect(await Promise.all(gets)).toEqual(Array.from({ length: count }, (_, i) => `value ${i}`));
    expect(await Promise.all(incrs)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  });

  it('a command that timed out keeps its place: the next command still gets its own reply', async () => {
    const conn = await connect({ host: '127.0.0.1', port: redis.port });
    await using rpc = requester(conn.framed(resp()), { correlate: 'order' });
    // BLPOP on an empty list blocks the connection for 0.2 s, then replies null.
    const blocked = rpc.request(['BLPOP', 'rr:empty', '0.2'], { timeout: 1 });
    const pong = rpc.request(['PING']);
    await expect(blocked).rejects.toMatchObject({ code: 'ERR_REQUEST_TIMEOUT' });
    expect(await pong).toBe('PONG');
    expect(await rpc.request(['ECHO', 'after'])).toBe('after' satisfies RespValue);
  });
});
