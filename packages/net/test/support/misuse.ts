/**
 * What the misuse suites of @sluice/net (`test/misuse-*.test.ts`) share: the
 * values nobody means (bad ports, options, signals, bytes), counts of the
 * socket handles the process holds, and loopback listeners closed after the
 * test. The helpers of every package's misuse suites are in
 * `test-support/misuse.ts` and `test-support/misuse-sockets.ts`.
 */
import { type Listener, listen } from '@sluice/net';
import fc from 'fast-check';
import { LIMIT } from '../../../../test-support/misuse.js';
import { turns, within } from '../../../../test-support/waits.js';

/** Loopback: every test here binds and connects on it. */
export const HOST = '127.0.0.1';

/** Ports nobody means: out of range, not integers, not numbers. */
export const BAD_PORTS: [string, unknown][] = [
  ['70000', 70000],
  ['65536', 65536],
  ['-1', -1],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['1.5', 1.5],
  ["'' (empty string)", ''],
  ["'abc'", 'abc'],
  ["'1e3'", '1e3'],
  ["'0x2328'", '0x2328'],
  ['null', null],
  ['a plain object', {}],
  ['an object without a prototype', Object.create(null)],
  ['true', true],
];

/** fast-check values that are not a port: never an integer from 0 to 65535, nor a string of decimal digits. */
export const notAPort = fc.oneof(
  fc.integer({ min: 65536 }),
  fc.integer({ max: -1 }),
  fc.double({ noInteger: true }),
  fc.string().filter((s) => !/^\s*\d+\s*$/.test(s)),
  fc.constant(null),
  fc.boolean(),
  fc.object(),
);

/** Options that are not an options object. */
export const NOT_OPTIONS: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 8080],
  ["a string ('127.0.0.1:8080')", '127.0.0.1:8080'],
];

/** Values that are not an AbortSignal, for every `signal` option. */
export const NOT_SIGNALS: [string, unknown][] = [
  ['a plain object', {}],
  ['a string', 'abort'],
  ['an AbortController (not its signal)', new AbortController()],
];

/** The options every connection takes, with values nobody means. */
export const BAD_CONNECTION_OPTIONS: [string, Record<string, unknown>][] = [
  ['readCapacity -1', { readCapacity: -1 }],
  ['readCapacity NaN', { readCapacity: Number.NaN }],
  ["readCapacity 'abc'", { readCapacity: 'abc' }],
  ['closeTimeout -1', { closeTimeout: -1 }],
  ['closeTimeout NaN', { closeTimeout: Number.NaN }],
  ["closeTimeout 'abc'", { closeTimeout: 'abc' }],
  ['idleTimeout -1', { idleTimeout: -1 }],
  ['idleTimeout NaN', { idleTimeout: Number.NaN }],
  ["idleTimeout 'abc'", { idleTimeout: 'abc' }],
];

/** Socket handles the process holds (servers, TCP and UDP sockets). */
export const handles = (kind: RegExp) => process.getActiveResourcesInfo().filter((name) => kind.test(name)).length;

/** Waits (turn by turn, bounded) until at most `count` handles of `kind` are left; returns how many are. */
export async function handlesSettle(kind: RegExp, count: number): Promise<number> {
  const deadline = Date.now() + LIMIT;
  while (handles(kind) > count && Date.now() < deadline) await turns(1);
  return handles(kind);
}

/**
 * `listener()`, which opens a listener on loopback, port 0, closed after the
 * test through `defer` (what `cleanups()` returns).
 */
export function listenersClosedBy(defer: (fn: () => unknown) => void): () => Promise<Listener> {
  /** A listener closed after the test. */
  async function listener(): Promise<Listener> {
    const l = await within(listen({ host: HOST, port: 0 }), LIMIT, 'listening');
    defer(() => l.close());
    return l;
  }
  return listener;
}

/** The port a listener on TCP is bound to. */
export const portOf = (l: Listener): number => (l.address as { port: number }).port;

/** Whether `error` is an Error with this `code`. */
export const isCoded = (error: unknown, code: string) =>
  error instanceof Error && (error as Error & { code?: unknown }).code === code;

/** Values that are not bytes nor a string, for every write. */
export const NOT_BYTES: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 5],
  ['a plain object', { not: 'bytes' }],
  ['an array of numbers', [104, 105]],
  ['a boolean', true],
];
