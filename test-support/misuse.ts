/**
 * Helpers of the misuse suites (each package's `test/misuse*.test.ts`): where
 * an error must appear (a synchronous throw, a rejection, an error
 * notification), what it must look like (a coded error), a guard that fails
 * a test during which the process saw an uncaught exception or an unhandled
 * rejection, and cleanup of whatever a test opened. The loopback peers that
 * check what reached the wire are in `misuse-sockets.ts`.
 *
 * Everything waits on events, bounded by `within()`: a misbehaving library
 * makes a test fail with a message saying what did not happen, never hang.
 */

import { isSluiceError } from '@sluice/core';
import { afterEach, beforeEach, expect } from 'vitest';
import { turns, within } from './waits.js';

/** A value of the wrong type, passed where a typed one is expected: what a misuse test does on purpose. */
export const any = (value: unknown) => value as never;

/** How long anything in this suite may take before the test fails (ms). */
export const LIMIT = 2000;

/** A short description of a value or an error, for failure messages. */
export function show(value: unknown): string {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const ctor = value.constructor?.name ?? 'Error';
    return `${ctor}${value.name !== ctor ? ` (name ${value.name})` : ''}${code === undefined ? ' without a code' : ` code ${String(code)}`}: ${value.message}`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length}) [${[...value.subarray(0, 16)]}]`;
  const proto = Object.getPrototypeOf(value);
  const plain = proto === Object.prototype || proto === null || Array.isArray(value);
  const name = value.constructor?.name ?? 'Object';
  if (!plain) {
    // A library object: its class, and where it is bound if it says.
    const address = (value as { address?: unknown }).address;
    return address !== undefined && typeof address === 'object' ? `${name} at ${JSON.stringify(address)}` : `a ${name}`;
  }
  try {
    const json = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return `${Array.isArray(value) ? 'array' : 'object'} ${json.length > 120 ? `${json.slice(0, 117)}...` : json}`;
  } catch {
    return Array.isArray(value) ? 'an array' : 'an object';
  }
}

/**
 * Asserts that `error` is a coded error (`isSluiceError`), with one of `codes`
 * if given, otherwise with any non-empty code.
 */
export function expectCoded(error: unknown, ...codes: string[]): void {
  const ok =
    isSluiceError(error) && (codes.length === 0 ? error.code.length > 0 : codes.includes(error.code as string));
  expect(ok, `expected a coded error${codes.length > 0 ? ` ${codes.join(' or ')}` : ''}, got ${show(error)}`).toBe(
    true,
  );
}

/**
 * The codes of a caller's mistake: `ERR_INVALID_ARG` (a value of the wrong
 * kind, a TypeError) or `ERR_OUT_OF_RANGE` (a number out of range, a RangeError).
 */
export const BAD_ARGUMENT = ['ERR_INVALID_ARG', 'ERR_OUT_OF_RANGE'] as const;

/** Bad options of codecs: `ERR_INVALID_ARG`, and a `RangeError` or `TypeError` as docs/codecs.md promises. */
export function expectBadOption(error: unknown): void {
  expectCoded(error, ...BAD_ARGUMENT);
  expect(
    error instanceof RangeError || error instanceof TypeError,
    `expected the error to be a RangeError or a TypeError, got ${show(error)}`,
  ).toBe(true);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Releases what a misbehaving call handed back (a listener, a connection, a socket) instead of failing. */
async function release(value: unknown): Promise<void> {
  if (value === null || typeof value !== 'object') return;
  const { destroy, close } = value as { destroy?: unknown; close?: unknown };
  try {
    if (typeof destroy === 'function') destroy.call(value);
    else if (typeof close === 'function') await settle(Promise.resolve(close.call(value)), LIMIT);
  } catch {
    // Releasing is a courtesy: the test fails for what the call did, not for this.
  }
}

/** The error `fn` throws synchronously; fails the test if it returns instead (releasing what it returned). */
export async function thrownBy(fn: () => unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    return error;
  }
  if (isPromiseLike(result)) {
    const settled = await settle(Promise.resolve(result), LIMIT);
    if (settled.state === 'fulfilled') await release(settled.value);
    expect.fail(`returned a promise (which ${describeSettled(settled)}) instead of throwing synchronously`);
  }
  await release(result);
  return expect.fail(`returned ${show(result)} instead of throwing`);
}

type Settled =
  | { state: 'fulfilled'; value: unknown }
  | { state: 'rejected'; reason: unknown }
  | { state: 'pending'; ms: number };

function describeSettled(settled: Settled): string {
  if (settled.state === 'fulfilled') return `resolved with ${show(settled.value)}`;
  if (settled.state === 'rejected') return `rejected with ${show(settled.reason)}`;
  return `was still pending after ${settled.ms} ms`;
}

/** How `promise` settles within `ms`, without ever leaving a rejection unhandled. */
export function settle(promise: Promise<unknown>, ms: number): Promise<Settled> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.then(
      (value): Settled => ({ state: 'fulfilled', value }),
      (reason: unknown): Settled => ({ state: 'rejected', reason }),
    ),
    new Promise<Settled>((resolve) => {
      timer = setTimeout(() => resolve({ state: 'pending', ms }), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The reason the promise returned by `fn` rejects with. Fails the test if
 * `fn` throws synchronously (the caller awaits a promise: the error belongs
 * there), if the promise resolves (releasing what it resolved with), or if it
 * does not settle within `ms`.
 */
export async function rejectionOf(fn: () => unknown, ms = LIMIT): Promise<unknown> {
  let promise: unknown;
  try {
    promise = fn();
  } catch (error) {
    return expect.fail(`threw synchronously instead of returning a rejected promise: ${show(error)}`);
  }
  if (!isPromiseLike(promise)) return expect.fail(`returned ${show(promise)} instead of a promise`);
  const settled = await settle(Promise.resolve(promise), ms);
  if (settled.state === 'rejected') return settled.reason;
  if (settled.state === 'fulfilled') await release(settled.value);
  return expect.fail(`expected a rejection, but the promise ${describeSettled(settled)}`);
}

/**
 * For a sync call returning an async iterable whose check may be lazy: the
 * error thrown by the call, by `[Symbol.asyncIterator]()`, or by the first
 * `next()` (as a rejection). Fails if the first `next()` resolves.
 */
export async function errorOfCallOrFirstNext(fn: () => AsyncIterable<unknown>): Promise<unknown> {
  let iterator: AsyncIterator<unknown>;
  try {
    iterator = fn()[Symbol.asyncIterator]();
  } catch (error) {
    return error;
  }
  let first: Promise<IteratorResult<unknown>>;
  try {
    first = iterator.next();
  } catch (error) {
    return expect.fail(`next() threw synchronously instead of rejecting: ${show(error)}`);
  }
  const settled = await settle(first, LIMIT);
  if (settled.state === 'rejected') return settled.reason;
  await iterator.return?.()?.catch(() => {});
  return expect.fail(`no error: the first next() ${describeSettled(settled)}`);
}

/**
 * Fails each test during which the process reported an `uncaughtException`
 * or an `unhandledRejection`: a misuse must be reported where the caller
 * waits, never crash the process. Call once at the top of a test file.
 */
export function guardProcess(): void {
  let seen: string[] = [];
  const record = (kind: string) => (error: unknown) => seen.push(`${kind}: ${show(error)}`);
  const onException = record('uncaughtException');
  const onRejection = record('unhandledRejection');
  beforeEach(() => {
    seen = [];
    process.on('uncaughtException', onException);
    process.on('unhandledRejection', onRejection);
  });
  afterEach(async () => {
    // Let errors thrown on a later tick (a flush, a timer of 0 ms) surface first.
    await turns(3);
    await new Promise((resolve) => setTimeout(resolve, 1));
    await turns(2);
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
    expect(seen, 'the process saw uncaught errors during this test').toEqual([]);
  });
}

/**
 * A per-test cleanup list: `defer(fn)` runs `fn` after the test, last in
 * first out, whether the test passed or not. Call once at the top of a file.
 */
export function cleanups(): (fn: () => unknown) => void {
  const pending: (() => unknown)[] = [];
  afterEach(async () => {
    const failures: unknown[] = [];
    for (const fn of pending.splice(0).reverse()) {
      try {
        await within(Promise.resolve(fn()), LIMIT, 'a cleanup');
      } catch (error) {
        failures.push(error);
      }
    }
    expect(failures.map(show), 'cleanups that failed').toEqual([]);
  });
  return (fn) => void pending.push(fn);
}

/** The text of UTF-8 bytes. */
export const textOf = (data: Uint8Array): string =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString();

/**
 * Keeps the event loop busy for `ms` milliseconds, as a loaded process would:
 * afterwards a due timer runs before the I/O that completed meanwhile, so a
 * timeout of 0 that is wrongly armed as a timer reliably fires first.
 */
export function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Spinning on purpose: nothing else may run.
  }
}

/** An `AbortSignal` that is already aborted. */
export const abortedSignal = (): AbortSignal => AbortSignal.abort(new Error('aborted before the call'));
