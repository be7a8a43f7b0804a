/** `sluice connect --udp` and `sluice listen --udp`: one stdin line per datagram, one datagram per output line. */
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIPv6 } from 'node:net';
import { AbortError, channel, InvalidArgumentError, isSluiceError } from '@sluice/core';
import { bind, type DatagramSocket, type IpAddress } from '@sluice/net';
import { codeOf, describe, hostPort } from './describe-error.js';
import { formatFrame, type OutputFormat } from './frame-format.js';
import { onInterrupt } from './interrupt.js';
import { isOutputClosed, LineOutput } from './line-output.js';
import { Linger } from './linger.js';
import { count } from './options.js';
import type { CliIo } from './run-cli.js';
import { type FrameSink, sendStdin } from './send-stdin.js';

/** The largest UDP payload over IPv4 (65,535 less the IP and UDP headers); a longer stdin line is skipped. */
export const MAX_DATAGRAM = 65_507;

/** What --udp has no use for: a datagram is one frame, its bytes, and there is no connection. */
const NOT_UDP = ['codec', 'width', 'endian', 'delimiter', 'max-frame-length', 'tls', 'idle-timeout'];

/** Refuses the flags in `values` that mean nothing over UDP (and `extra`, the command's own). */
export function refuseWithUdp(values: Record<string, unknown>, extra: string[]): void {
  const given = [...NOT_UDP, ...extra].filter((flag) => values[flag] !== undefined && values[flag] !== false);
  if (given.length === 0) return;
  throw new InvalidArgumentError(
    `${given.map((flag) => `--${flag}`).join(' and ')} ${given.length === 1 ? 'does' : 'do'} not apply with --udp (a datagram is one frame, its raw bytes, and there is no connection)`,
  );
}

/** A datagram on one line: `-o text` drops one trailing newline (what `nc -u` sends with each line). */
function datagramLine(data: Uint8Array, format: OutputFormat): string {
  const line = formatFrame(data, 'bytes', format);
  return format === 'text' ? line.replace(/\r?\n$/, '') : line;
}

/** Sends each frame (a line's bytes) to `to()`, once it names someone (waiting until then). */
function datagramSink(
  socket: DatagramSocket,
  to: () => Promise<IpAddress>,
  onSent: (bytes: number) => void,
): FrameSink {
  return {
    async write(frame, options) {
      const data = frame as Uint8Array;
      await socket.send(data, await to(), options);
      onSent(data.byteLength);
    },
    closeWrite: () => Promise.resolve(),
  };
}

/** Datagrams received and not yet printed: beyond this, new ones are dropped (UDP semantics), as `bind()`'s default. */
const RECEIVE_CAPACITY = 1024;

/**
 * A UDP socket connected to `peer`: only its datagrams arrive, and the
 * kernel's word that nothing listens there (an ICMP port unreachable:
 * ECONNREFUSED) fails the reading.
 */
async function connectUdp(peer: { host: string; port: number }, family: number) {
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  const received = channel<Uint8Array>({
    capacity: RECEIVE_CAPACITY,
    overflow: 'drop-newest',
    onReturn: () => socket.close(),
  });
  socket.on('message', (data) => received.offer(data));
  socket.on('error', (error) => received.error(error));
  socket.on('close', () => received.end());
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(peer.port, peer.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    received,
    sink: (onSent: (bytes: number) => void): FrameSink => ({
      async write(frame) {
        const data = frame as Uint8Array;
        await new Promise<void>((resolve, reject) => socket.send(data, (error) => (error ? reject(error) : resolve())));
        onSent(data.byteLength);
      },
      closeWrite: () => Promise.resolve(),
    }),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      })),
  };
}

/**
 * `sluice connect --udp HOST:PORT`: each stdin line is one datagram to it;
 * each datagram from it is printed (the socket is connected: no one else's
 * reach it). Once stdin has ended, waits until it has been quiet for
 * `lingerMs` (undefined: until interrupted). Nothing listening there (the
 * kernel's port unreachable) fails it; no reply at all adds a hint. Resolves
 * to the exit code.
 */
export async function udpConnect(
  target: { host: string; port: number },
  format: OutputFormat,
  lingerMs: number | undefined,
  quiet: boolean,
  io: CliIo,
): Promise<number> {
  const warn = (line: string) => io.stderr.write(`sluice: ${line}\n`);
  const { address, family } = await lookup(target.host);
  const peer = { host: address, port: target.port };
  const where = hostPort(target.host, target.port);
  const socket = await connectUdp(peer, family);
  const counts = { framesIn: 0, bytesIn: 0, framesOut: 0, bytesOut: 0 };
  const linger = new Linger(lingerMs, () => counts.bytesIn);
  const output = new LineOutput(io.stdout);
  const stopInput = new AbortController();
  let failure: unknown;
  const sending = sendStdin({
    input: io.stdin,
    framed: socket.sink((bytes) => {
      counts.framesOut++;
      counts.bytesOut += bytes;
    }),
    codec: 'udp',
    maxLineLength: MAX_DATAGRAM,
    warn,
    beforeCloseWrite: (signal) => linger.quiet(signal),
    signal: stopInput.signal,
  });
  // Stdin done (and the peer quiet), or a send failed: either way, stop reading.
  void sending.then(
    () => socket.close(),
    (error: unknown) => {
      failure = error;
      void socket.close();
    },
  );
  // Ctrl-C ends it as an end does, with the counts (and exit code 0, as listen's).
  let interrupted: NodeJS.Signals | undefined;
  const stopListening = onInterrupt((signal) => {
    interrupted = signal;
    stopInput.abort();
    void socket.close();
  });
  try {
    for await (const data of socket.received) {
      linger.received();
      counts.framesIn++;
      counts.bytesIn += data.byteLength;
      await output.write(datagramLine(data, format));
      linger.reading();
    }
  } catch (error) {
    if (isOutputClosed(error)) return 0;
    failure ??= error;
  } finally {
    stopListening();
    stopInput.abort();
    output.dispose();
    await socket.close();
  }
  if (interrupted !== undefined && !quiet) warn(`${interrupted}: interrupted`);
  if (failure !== undefined) {
    warn(codeOf(failure) === 'ECONNREFUSED' ? `nothing listens on ${where} (port unreachable)` : describe(failure));
    return 1;
  }
  const { skipped } = await sending;
  if (!quiet) {
    warn(
      `sent ${count(counts.framesOut, 'datagram')} (${count(counts.bytesOut, 'byte')}), received ${count(counts.framesIn, 'datagram')} (${count(counts.bytesIn, 'byte')})`,
    );
  }
  if (counts.framesOut > 0 && counts.framesIn === 0) warn(`(no reply: is anything listening on ${where}?)`);
  if (skipped > 0) warn(`${count(skipped, 'stdin line')} skipped`);
  return skipped === 0 ? 0 : 1;
}

/**
 * `sluice listen --udp`: prints each datagram (its sender on stderr), or
 * sends it back with `echo`; stdin's lines go to the latest sender (waiting
 * for one). Runs until `signal` aborts. Resolves to the exit code.
 */
export async function udpListen(
  options: {
    host: string;
    port: number;
    echo: boolean;
    /** Print each datagram as `SENDER: datagram`. */
    prefix: boolean;
    format: OutputFormat;
    quiet: boolean;
    signal: AbortSignal;
  },
  io: CliIo,
): Promise<number> {
  const { echo, format, signal } = options;
  const warn = (line: string) => io.stderr.write(`sluice: ${line}\n`);
  const log = (line: string) => options.quiet || warn(line);
  const socket = await bind({
    host: options.host,
    port: options.port,
    type: isIPv6(options.host) ? 'udp6' : 'udp4',
    signal,
  }).catch((error: unknown) => {
    if (signal.aborted && isSluiceError(error, 'ABORT_ERR')) return undefined;
    throw error;
  });
  if (socket === undefined) return 0;
  const bound = hostPort(socket.address.host, socket.address.port);
  (options.port === 0 ? warn : log)(`listening on ${bound} (udp${echo ? ', echo' : ''})`);

  let latest: IpAddress | undefined;
  let heard: (() => void) | undefined;
  const sender = () =>
    latest !== undefined
      ? Promise.resolve(latest)
      : new Promise<IpAddress>((resolve, reject) => {
          const onAbort = () => reject(new AbortError(signal.reason));
          signal.addEventListener('abort', onAbort, { once: true });
          heard = () => {
            signal.removeEventListener('abort', onAbort);
            resolve(latest as IpAddress);
          };
        });
  if (!echo) {
    const sink = datagramSink(socket, sender, () => {});
    const sending = sendStdin({
      input: io.stdin,
      framed: sink,
      codec: 'udp',
      maxLineLength: MAX_DATAGRAM,
      warn,
      signal,
    });
    sending.then(
      ({ skipped }) => skipped > 0 && warn(`${count(skipped, 'stdin line')} skipped`),
      (error: unknown) => warn(`cannot send stdin: ${describe(error)}`),
    );
  }
  const output = new LineOutput(io.stdout);
  let received = 0;
  try {
    for await (const { data, address } of socket) {
      received++;
      latest = address;
      heard?.();
      heard = undefined;
      log(`datagram from ${hostPort(address.host, address.port)} (${count(data.byteLength, 'byte')})`);
      if (echo) await socket.send(data, address).catch((error: unknown) => warn(describe(error)));
      else {
        const line = datagramLine(data, format);
        await output.write(options.prefix ? `${hostPort(address.host, address.port)}: ${line}` : line);
      }
    }
  } catch (error) {
    if (!isOutputClosed(error)) throw error;
  } finally {
    output.dispose();
    await socket.close();
  }
  log(
    `closed: received ${count(received, 'datagram')}${socket.dropped > 0 ? `, ${socket.dropped} dropped (not read in time)` : ''}`,
  );
  return 0;
}

/** Refuses a connect target that is not HOST:PORT with --udp. */
export function udpTarget(where: { kind: string }): void {
  if (where.kind !== 'tcp') throw new InvalidArgumentError('--udp takes a HOST:PORT address, not a path or a URL');
}
