/**
 * Peers Sluice did not write, for the WebSocket fault, fuzz and property
 * tests: a raw TCP socket that speaks the opening handshake and then sends
 * whatever bytes a test wants (masked or not, cut anywhere), and a frame
 * builder and parser for it. What such a peer received is told by
 * `test-support/raw-sockets.ts`; the bounded waits are in
 * `test-support/waits.ts`, the handle counts in `test-support/handles.ts`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { within } from '../../../../test-support/waits.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADERS_END = Buffer.from('\r\n\r\n');

/** WebSocket opcodes. */
export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameOptions {
  /** Last fragment of its message. @default true */
  fin?: boolean;
  /** Mask the payload, as a client must. @default true */
  mask?: boolean;
  /** Announce this length instead of the payload's (a lying header). */
  length?: bigint;
}

/** One WebSocket frame, as RFC 6455 lays it out. */
export function frame(opcode: number, payload: Uint8Array = new Uint8Array(0), options: FrameOptions = {}): Buffer {
  const { fin = true, mask = true } = options;
  const length = options.length ?? BigInt(payload.byteLength);
  const head: number[] = [(fin ? 0x80 : 0) | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65536n) head.push(maskBit | 126, Number(length >> 8n), Number(length & 0xffn));
  else {
    head.push(maskBit | 127);
    for (let shift = 56n; shift >= 0n; shift -= 8n) head.push(Number((length >> shift) & 0xffn));
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] = (masked[i] as number) ^ (key[i % 4] as number);
  return Buffer.concat([Buffer.from(head), key, masked]);
}

/** A close frame's payload: the code, then the reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}

export interface ParsedFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Whole frames in `bytes` (masked or not); a trailing partial frame is ignored. */
export function parseFrames(bytes: Uint8Array): ParsedFrame[] {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: ParsedFrame[] = [];
  let at = 0;
  while (at + 2 <= data.length) {
    const first = data[at] as number;
    const second = data[at + 1] as number;
    let length = second & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (offset + 2 > data.length) break;
      length = data.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (offset + 8 > data.length) break;
      length = Number(data.readBigUInt64BE(offset));
      offset += 8;
    }
    const masked = (second & 0x80) !== 0;
    const key = masked ? data.subarray(offset, offset + 4) : undefined;
    if (masked) offset += 4;
    if (offset + length > data.length) break;
    const payload = Buffer.from(data.subarray(offset, offset + length));
    if (key !== undefined)
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (key[i % 4] as number);
    frames.push({ fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload });
    at = offset + length;
  }
  return frames;
}

/** The close code of the first close frame in `bytes`, if there is one. */
export function closeCodeIn(bytes: Uint8Array): number | undefined {
  const close = parseFrames(bytes).find((f) => f.opcode === OP.close);
  return close === undefined ? undefined : close.payload.length >= 2 ? close.payload.readUInt16BE(0) : 1005;
}

/** Reads from `socket` until the end of the HTTP head; resolves with the head and the bytes after it. */
function readHead(socket: net.Socket): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf(HEADERS_END);
      if (end === -1) return;
      cleanup();
      socket.pause();
      resolve({ head: buffered.subarray(0, end).toString('latin1'), rest: buffered.subarray(end + 4) });
    };
    const onClose = () => {
      cleanup();
      reject(new Error('the socket closed during the handshake'));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

/** A raw TCP client after a successful opening handshake; `head` holds any frame bytes that came with the 101. */
export interface RawWebSocket {
  socket: net.Socket;
  head: Buffer;
}

/**
 * Connects with plain TCP and performs the opening handshake by hand; from
 * then on the test writes frame bytes itself. Errors are left to
 * `received()` (test-support/raw-sockets.ts), never thrown.
 */
export async function rawWebSocket(port: number, path = '/'): Promise<RawWebSocket> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  socket.on('error', () => {});
  await once(socket, 'connect');
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const { head, rest } = await readHead(socket);
  if (!head.startsWith('HTTP/1.1 101')) throw new Error(`handshake refused: ${head.split('\r\n')[0]}`);
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  if (!head.includes(`Sec-WebSocket-Accept: ${accept}`)) throw new Error('handshake: wrong Sec-WebSocket-Accept');
  return { socket, head: rest };
}

/** A plain TCP server that answers the opening handshake by hand and hands each socket to `onSocket`. */
export interface RawWebSocketServer {
  readonly port: number;
  readonly url: string;
  /** Destroys every accepted socket and closes the server. */
  close(): Promise<void>;
}

export async function rawWebSocketServer(
  onSocket: (socket: net.Socket, head: Buffer) => void,
): Promise<RawWebSocketServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {}); // the tests look at what the Sluice side sees
    socket.on('close', () => sockets.delete(socket));
    void readHead(socket).then(
      ({ head, rest }) => {
        const key = /^sec-websocket-key:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '';
        const accept = createHash('sha1')
          .update(key + GUID)
          .digest('base64');
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        socket.resume();
        onSocket(socket, rest);
      },
      () => {},
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** The error `promise` rejects with (fails if it resolves, or does not settle within `ms`). */
export async function rejectionOf(promise: Promise<unknown>, ms = 5000, what = 'the rejection'): Promise<unknown> {
  return within(
    promise.then(
      (value) => {
        throw new Error(`expected a rejection, got ${String(value)}`);
      },
      (error: unknown) => error,
    ),
    ms,
    what,
  );
}
