/**
 * The runner behind smoke.mjs, in plain ESM JavaScript so that Node, Bun and
 * Deno run it as it is. Checks run one at a time, each bounded in time, and
 * each prints one line: `ok <name>`, `FAIL <name>: <reason>`, or
 * `skip <name>: <reason>` for a limitation of the runtime. The process exits
 * with 1 if any check failed.
 *
 * Environment: SMOKE_ONLY=<text> runs the checks whose name contains it;
 * SMOKE_NO_SKIP=1 runs the skipped checks too (to see whether a runtime has
 * caught up).
 */
import process from 'node:process';

/** `'node'`, `'bun'` or `'deno'`. */
export const runtime = 'Bun' in globalThis ? 'bun' : 'Deno' in globalThis ? 'deno' : 'node';

/** The runtime's own version. */
export const runtimeVersion =
  runtime === 'bun'
    ? globalThis.Bun.version
    : runtime === 'deno'
      ? globalThis.Deno.version.deno
      : process.versions.node;

const DEFAULT_TIMEOUT = 10_000;
const CLEANUP_TIMEOUT = 3_000;
const only = process.env.SMOKE_ONLY;
const noSkip = process.env.SMOKE_NO_SKIP === '1';
const checks = [];
let current;

/**
 * Registers a check. `options.skip` maps a runtime to the reason it cannot
 * run there; `options.timeout` bounds it (10 s by default). `fn` gets
 * `t.defer(cleanup)` (run after the check, last first, even when it fails)
 * and `t.fail(error)` (fails the check from a callback: a server handler's
 * `onError`).
 */
export function check(name, options, fn) {
  if (typeof options === 'function') [fn, options] = [options, {}];
  checks.push({ name, fn, timeout: options.timeout ?? DEFAULT_TIMEOUT, skip: options.skip?.[runtime] });
}

/** A promise with its resolve and reject. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** `promise`, or a rejection naming `what` after `ms` milliseconds. */
export function within(ms, promise, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The error `promise` rejects with; fails if it resolves. */
export async function rejection(promise, what) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what} resolved, expected it to reject`);
}

function describe(error) {
  const code = typeof error?.code === 'string' ? `[${error.code}] ` : '';
  const message = error instanceof Error ? error.message : String(error);
  const line = `${code}${message}`.replace(/\s*\n\s*/g, ' ');
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}

async function runOne({ name, fn, timeout, skip }) {
  if (skip !== undefined && !noSkip) {
    console.log(`skip ${name}: ${skip}`);
    return 'skipped';
  }
  const cleanups = [];
  const failure = deferred();
  current = { fail: failure.reject };
  const t = { defer: (cleanup) => cleanups.push(cleanup), fail: (error) => failure.reject(error) };
  let outcome = 'ok';
  try {
    await within(timeout, Promise.race([fn(t), failure.promise]), 'the check');
  } catch (error) {
    outcome = `FAIL ${name}: ${describe(error)}`;
  }
  for (const cleanup of cleanups.reverse()) {
    try {
      await within(CLEANUP_TIMEOUT, Promise.resolve().then(cleanup), 'cleaning up');
    } catch (error) {
      if (outcome === 'ok') outcome = `FAIL ${name}: ${describe(error)}`;
    }
  }
  // A rejection nobody handled surfaces a tick later: give it the chance to, and count it against this check.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await Promise.race([failure.promise, Promise.resolve()]).catch((error) => {
    if (outcome === 'ok') outcome = `FAIL ${name}: ${describe(error)}`;
  });
  current = undefined;
  console.log(outcome === 'ok' ? `ok ${name}` : outcome);
  return outcome === 'ok' ? 'ok' : 'failed';
}

/** Runs the registered checks in order, prints a summary and exits (1 if any failed). */
export async function run() {
  const onUnhandled = (error) => {
    if (current === undefined) console.log(`FAIL (between checks): unhandled ${describe(error)}`);
    else current.fail(new Error(`unhandled: ${describe(error)}`));
    if (current === undefined) process.exitCode = 1;
  };
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const started = Date.now();
  const counts = { ok: 0, skipped: 0, failed: 0 };
  for (const entry of checks) {
    if (only !== undefined && !entry.name.includes(only)) continue;
    counts[await runOne(entry)]++;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `${runtime} ${runtimeVersion}: ${counts.ok} ok, ${counts.skipped} skipped, ${counts.failed} failed in ${seconds} s`,
  );
  // Exit explicitly: a socket a runtime fails to release must not keep the check running.
  process.exit(counts.failed > 0 || process.exitCode === 1 ? 1 : 0);
}
