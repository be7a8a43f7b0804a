/**
 * The clients of the scaling bench (bench/scaling.ts): a child process of
 * plain `node:net` sockets, the same for every server, that opens
 * connections, sends pre-encoded 4-byte length-prefixed 64-byte frames in
 * 64 KiB writes, and ends them, each on its parent's command.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { drainedOrClosed, pinToCore } from './support.js';

const PAYLOAD = 64;
const FRAME = 4 + PAYLOAD;
/** Connections opened at once; well under the kernel's SYN backlog. */
const BATCH = 500;
const WRITE = 64 * 1024;

type Command =
  | { type: 'connect'; port: number; count: number }
  | { type: 'send'; frames: number }
  | { type: 'end' }
  | { type: 'exit' };

/** `frames` frames: a 4-byte big-endian length (64), then 64 bytes of payload, each. */
function framesBlock(frames: number): Buffer {
  const block = Buffer.alloc(frames * FRAME, 97);
  for (let i = 0; i < frames; i++) block.writeUInt32BE(PAYLOAD, i * FRAME);
  return block;
}

/** Child mode: the clients. Obeys commands from the parent and answers each with its `type` once done. */
if (process.env.SLUICE_SCALING_CLIENTS) {
  let sockets: net.Socket[] = [];
  const send = async (socket: net.Socket, block: Buffer) => {
    for (let at = 0; at < block.length && !socket.destroyed; at += WRITE) {
      if (!socket.write(block.subarray(at, at + WRITE))) await drainedOrClosed(socket);
    }
  };
  process.on('message', async (command: Command) => {
    if (command.type === 'connect') {
      for (let i = 0; i < command.count; i += BATCH) {
        await Promise.all(
          Array.from({ length: Math.min(BATCH, command.count - i) }, async () => {
            const socket = net.connect({ port: command.port, host: '127.0.0.1' });
            sockets.push(socket);
            await once(socket, 'connect'); // rejects (and fails the run) on a refused connection
            socket.on('error', () => {});
            socket.resume(); // the server sends nothing, but reads its end
          }),
        );
      }
    } else if (command.type === 'send') {
      const block = framesBlock(command.frames);
      await Promise.all(sockets.map((socket) => send(socket, block)));
    } else if (command.type === 'end') {
      await Promise.all(sockets.map((socket) => (socket.end(), socket.closed ? null : once(socket, 'close'))));
      sockets = [];
    } else {
      process.exit(0);
    }
    process.send?.(command.type);
  });
}

/** The client process: `command` resolves once the child has done it. */
export function clients() {
  const child = fork(new URL(import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SLUICE_SCALING_CLIENTS: '1' },
  });
  const failed = once(child, 'exit').then(([code]) => {
    throw new Error(`scaling: the client process exited (code ${code}) before it was told to`);
  });
  failed.catch(() => {});
  // Server on core 0, clients on core 1, where taskset exists and both cores are ours (silently not, otherwise).
  if (child.pid !== undefined && pinToCore(child.pid, 1)) pinToCore(process.pid, 0);
  return {
    command: async (command: Command) => {
      child.send(command);
      const [answer] = await Promise.race([once(child, 'message'), failed]);
      if (answer !== command.type) throw new Error(`scaling: the client process answered ${answer} to ${command.type}`);
    },
    exit: async () => {
      child.send({ type: 'exit' });
      await once(child, 'exit').catch(() => {});
    },
  };
}
