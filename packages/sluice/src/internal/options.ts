/** Checking command-line values: numbers, addresses, files, and flags that only go together. */
import { X509Certificate } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { InvalidArgumentError } from '@sluice/core';
import { plainOpenSsl } from './describe-error.js';

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

/** A host name (`localhost`, `db.example.com`) or an IPv4 address: dot-separated labels of letters, digits and `-`. */
const HOST_NAME = /^[a-z\d](?:[a-z\d-]*[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]*[a-z\d])?)*\.?$/i;

/** Parses `host:port`, `[v6]:port` or `:port` (loopback). */
export function parseHostPort(target: string): { host: string; port: number } {
  const match = /^(?:\[([^\]\s]+)\]|([^:[\]\s]*)):([^:]*)$/.exec(target);
  if (match === null) {
    const bareIpv6 = !target.includes('[') && (target.match(/:/g)?.length ?? 0) > 1;
    // A host name or an IPv4 address alone: the port was forgotten, more likely than a socket's ./
    if (HOST_NAME.test(target)) {
      const socket = isIPv4(target) ? '' : `; for a Unix socket write ./${target} or unix:${target}`;
      throw new InvalidArgumentError(`"${target}" is missing :PORT (for example ${target}:9000)${socket}`);
    }
    const hint = bareIpv6
      ? ': write an IPv6 address in brackets, as [::1]:9000'
      : target.includes(':')
        ? ''
        : `; for a Unix socket write ./${target} or unix:${target}`;
    throw new InvalidArgumentError(`"${target}" is not a HOST:PORT address (for example 127.0.0.1:9000)${hint}`);
  }
  const port = parsePort(match[3], `the port in "${target}"`, 1);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** Where `sluice connect` goes: a TCP address, a Unix socket, or a WebSocket URL. */
export type ConnectTarget =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'ipc'; path: string }
  | { kind: 'websocket'; url: URL };

/**
 * A Unix socket's path, if `target` names one: `unix:PATH`, or anything with
 * a `/` in it that is not a URL (`./app.sock`, `/run/app.sock`). `unix:9000`
 * stays a host named `unix` and its port.
 */
export function socketPath(target: string): string | undefined {
  if (target.startsWith('unix:') && !/^unix:\d+$/.test(target)) {
    const path = target.slice('unix:'.length);
    if (path === '') throw new InvalidArgumentError(`"${target}" has no path (for example unix:./app.sock)`);
    return path;
  }
  return target.includes('/') && !/^[a-z][a-z\d+.-]*:\/\//i.test(target) ? target : undefined;
}

/**
 * Parses what `sluice connect` was given: `ws://…` or `wss://…` is a
 * WebSocket URL; anything else with a scheme is refused; a path (see
 * {@link socketPath}) is a Unix socket; the rest is `HOST:PORT`.
 */
export function parseConnectTarget(target: string): ConnectTarget {
  const path = socketPath(target);
  if (path !== undefined) return { kind: 'ipc', path };
  const scheme = /^([a-z][a-z\d+.-]*):\/\//i.exec(target)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'tcp', ...parseHostPort(target) };
  if (scheme !== 'ws' && scheme !== 'wss') {
    throw new InvalidArgumentError(
      `"${target}": connect takes HOST:PORT for TCP, a path for a Unix socket, or a ws:// or wss:// URL for WebSocket (not ${scheme}://)`,
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

/** The largest file `--key`, `--cert` or `--ca` may name: PEM files are a few KiB (a long CA bundle, a few hundred). */
const MAX_PEM_FILE = 1024 * 1024;

/**
 * Reads a file named by `--flag`, saying which flag when it cannot; reads no
 * more than {@link MAX_PEM_FILE} bytes (`--ca /dev/zero` would never end).
 */
export function readFileOption(path: string, flag: string): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(MAX_PEM_FILE + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_PEM_FILE)
      throw new InvalidArgumentError(
        `${flag} "${path}" is over ${MAX_PEM_FILE / 1024 / 1024} MiB: expected a PEM file`,
      );
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (error as Error).message;
    throw new InvalidArgumentError(`cannot read ${flag} "${path}": ${reason}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `--key` and `--cert` read and checked: each file says what it is, and the key is the certificate's. */
export function readKeyAndCert(keyPath: string, certPath: string): { key: Buffer; cert: Buffer } {
  const key = readFileOption(keyPath, '--key');
  const cert = readFileOption(certPath, '--cert');
  const check = (options: SecureContextOptions, problem: string) => {
    try {
      createSecureContext(options);
    } catch (error) {
      throw new InvalidArgumentError(`${problem}: ${plainOpenSsl((error as Error).message)}`);
    }
  };
  check({ cert }, `--cert "${certPath}" is not a PEM certificate`);
  check({ key }, `--key "${keyPath}" is not a PEM private key`);
  check({ key, cert }, `--key "${keyPath}" is not the key of --cert "${certPath}"`);
  return { key, cert };
}

/** `--ca` read and checked: it holds a PEM certificate, and the first one parses. */
export function readCa(path: string): Buffer {
  const ca = readFileOption(path, '--ca');
  if (!ca.includes('-----BEGIN CERTIFICATE-----'))
    throw new InvalidArgumentError(`--ca "${path}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  try {
    new X509Certificate(ca); // the first one; Node skips a garbled one in silence
  } catch (error) {
    throw new InvalidArgumentError(
      `--ca "${path}" is not a PEM certificate: ${plainOpenSsl((error as Error).message)}`,
    );
  }
  return ca;
}

/** `1 frame`, `2 frames`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
