/**
 * What the checks share: the built `sluice` package (imported by path: the
 * workspace root does not link the packages into its node_modules), the TLS
 * test certificates, an echo server, and small helpers.
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import process from 'node:process';

/** The built `sluice` package: every export of every package but `@sluice/rx` (see `sluiceRx`), and `ws`. */
export const sluice = await import('../../../packages/sluice/dist/index.js').catch((error) => {
  console.log(`FAIL import sluice: ${error.message} (run \`pnpm build\` first)`);
  process.exit(1);
});

/** `sluice/rx`: `@sluice/rx` re-exported, the one entry of `sluice` that loads `rxjs`. */
export const sluiceRx = await import('../../../packages/sluice/dist/rx.js').catch((error) => {
  console.log(`FAIL import sluice/rx: ${error.message} (run \`pnpm build\` first)`);
  process.exit(1);
});

/** A test certificate or key of packages/net/test/fixtures. */
export const fixture = (name) => readFileSync(new URL(`../../../packages/net/test/fixtures/${name}`, import.meta.url));

/** Loopback, a free port. */
export const LOOPBACK = { host: '127.0.0.1', port: 0 };

/** A deterministic pseudo-random generator (mulberry32), so a failing split can be reproduced. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` pseudo-random bytes. */
export function randomBytes(next, length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

/** Asserts two lists of byte frames hold the same bytes (whatever their classes: Buffer or Uint8Array). */
export function assertSameBytes(actual, expected, message) {
  const hex = (frames) => frames.map((frame) => Buffer.from(frame).toString('base64'));
  assert.deepEqual(hex(actual), hex(expected), message);
}

/**
 * A listener (`@sluice/net`'s, or `listen` given) whose handler echoes every
 * frame of `codec()`; closed after the check. A handler error fails the check.
 */
export async function echoServer(t, codec, options = {}, listen = sluice.listen) {
  const listener = await listen({ ...LOOPBACK, ...options });
  t.defer(() => listener.close());
  const served = listener.serve(
    async (conn) => {
      const io = conn.framed(codec());
      for await (const frame of io) await io.write(frame);
    },
    { onError: (error) => t.fail(error) },
  );
  return { listener, served };
}

/** Connects to `listener` (of `@sluice/net`) and destroys the connection after the check. */
export async function dial(t, listener, options = {}) {
  const conn = await sluice.connect({ ...listener.address, timeout: 5000, ...options });
  t.defer(() => conn.destroy());
  return conn;
}

/** Writes `frames` through `io`, half-closes, and resolves with everything read back. */
export async function exchange(io, frames) {
  const [, echoed] = await Promise.all([
    io.writeAll(frames).then(() => io.closeWrite()),
    sluice.pipe(io, sluice.collect()),
  ]);
  return echoed;
}

/**
 * Writes `frames` through `io` and resolves with as many frames read back,
 * leaving the connection open. For WebSocket, where a close is not a
 * half-close: the peer may send nothing after it.
 */
export async function ask(io, frames) {
  const [, answers] = await Promise.all([
    io.writeAll(frames),
    (async () => {
      const read = [];
      while (read.length < frames.length) {
        const frame = await io.read();
        if (frame === undefined)
          throw new Error(`the connection ended after ${read.length} of ${frames.length} answers`);
        read.push(frame);
      }
      return read;
    })(),
  ]);
  return answers;
}

/** Asserts `error` carries `code` and is a Sluice error. */
export function assertSluiceError(error, code) {
  assert.equal(error?.code, code, `expected ${code}, got ${error?.code}: ${error?.message}`);
  assert.ok(error instanceof sluice.SluiceError, `${code} is an instanceof SluiceError`);
}
