/** Checking command-line values: numbers, addresses, files, and flags that only go together. */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@sluice/core';

/** A port: decimal digits only, 0 to 65535 (`min` 1 where 0 means nothing). */
export function parsePort(value: string | undefined, what: string, min = 0): number {
  const port = value !== undefined && /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= min && port <= 65535)) {
    throw new InvalidArgumentError(`${what} must be a whole number from ${min} to 65535, got "${value ?? ''}"`);
  }
  return port;
}

/** Milliseconds: decimal digits only; `0` (no limit) and an absent flag give `undefined`. */
export function parseMilliseconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value))
    throw new InvalidArgumentError(`${flag} must be milliseconds (0 or more), got "${value}"`);
  const ms = Number(value);
  return ms === 0 ? undefined : ms;
}

/** Parses `host:port`, `[v6]:port` or `:port` (loopback). */
export function parseHostPort(target: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):([^:]*)$/.exec(target);
  if (match === null) {
    const bareIpv6 = !target.includes('[') && (target.match(/:/g)?.length ?? 0) > 1;
    const hint = bareIpv6 ? ': write an IPv6 address in brackets, as [::1]:9000' : '';
    throw new InvalidArgumentError(`"${target}" is not a HOST:PORT address (for example 127.0.0.1:9000)${hint}`);
  }
  const port = parsePort(match[3], `the port in "${target}"`, 1);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** Where `sluice connect` goes: a TCP address, or a WebSocket URL. */
export type ConnectTarget = { kind: 'tcp'; host: string; port: number } | { kind: 'websocket'; url: URL };

/**
 * Parses what `sluice connect` was given: `ws://…` or `wss://…` is a
 * WebSocket URL; anything else with a scheme is refused; the rest is
 * `HOST:PORT`.
 */
export function parseConnectTarget(target: string): ConnectTarget {
  const scheme = /^([a-z][a-z\d+.-]*):\/\//i.exec(target)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'tcp', ...parseHostPort(target) };
  if (scheme !== 'ws' && scheme !== 'wss') {
    throw new InvalidArgumentError(
      `"${target}": connect takes HOST:PORT for TCP, or a ws:// or wss:// URL for WebSocket (not ${scheme}://)`,
    );
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new InvalidArgumentError(`"${target}" is not a valid URL (for example ws://127.0.0.1:9000/chat)`);
  }
  if (url.hostname === '') throw new InvalidArgumentError(`"${target}" has no host (for example ws://127.0.0.1:9000)`);
  if (url.port === '0') throw new InvalidArgumentError(`the port in "${target}" must be from 1 to 65535`);
  if (url.hash !== '') throw new InvalidArgumentError(`"${target}": a WebSocket URL cannot have a #fragment`);
  return { kind: 'websocket', url };
}

/** A URL path for `listen --ws --path`: `/` and what follows, as it appears in a request. */
export function parseUrlPath(value: string): string {
  let path: string | undefined;
  try {
    path = new URL(value, 'ws://host').pathname;
  } catch {
    path = undefined;
  }
  if (!value.startsWith('/') || value.startsWith('//') || path !== value)
    throw new InvalidArgumentError(`--path must be a URL path such as /chat, got "${value}"`);
  return value;
}

/** Refuses `flags` that were given (set in `values`) when `condition` is false. */
export function onlyWith(values: Record<string, unknown>, flags: string[], condition: boolean, what: string): void {
  if (condition) return;
  const given = flags.filter((flag) => values[flag] !== undefined && values[flag] !== false);
  if (given.length > 0) {
    const verb = given.length === 1 ? 'applies' : 'apply';
    throw new InvalidArgumentError(`${given.map((flag) => `--${flag}`).join(' and ')} only ${verb} ${what}`);
  }
}

/** Reads a file named by `--flag`, saying which flag when it cannot. */
export function readFileOption(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InvalidArgumentError(`cannot read ${flag} "${path}": ${reason}`);
  }
}

/** `1 frame`, `2 frames`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
