/**
 * Checks of the options users pass to `connect`, `listen`, `bind` and the
 * connection methods. Each throws an `InvalidArgumentError` (`ERR_INVALID_ARG`)
 * naming the option, the value received and what was expected, before any
 * socket is opened: Node itself would wrap a port of 70000 to 4464, read -1 as
 * 65535 and `'abc'` as "any port".
 *
 * @internal
 */
import { InvalidArgumentError } from '@sluice/core';

/** Throws unless `options` is an object (or, when `optional`, absent). */
export function checkOptions(where: string, options: unknown, optional = false): void {
  if (options === undefined && optional) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${where}: options must be an object, got ${describe(options)}`);
  }
}

/** Throws unless `port` is an integer from `min` (0 or 1) to 65535. */
export function checkPort(where: string, port: unknown, min = 0): void {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < min || port > 65535) {
    throw new InvalidArgumentError(`${where}: port must be an integer from ${min} to 65535, got ${describe(port)}`);
  }
}

/**
 * Throws unless `value` (when present) is an integer of at least `min`;
 * `Infinity` is accepted where `infinite` allows it.
 */
export function checkCount(where: string, name: string, value: unknown, min: number, infinite = false): void {
  if (value === undefined) return;
  if (infinite && value === Number.POSITIVE_INFINITY) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const expected = `an integer of at least ${min}${infinite ? ' (or Infinity)' : ''}`;
    throw new InvalidArgumentError(`${where}: ${name} must be ${expected}, got ${describe(value)}`);
  }
}

/** Throws unless `value` (when present) is a non-empty string. */
export function checkString(where: string, name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(`${where}: ${name} must be a non-empty string, got ${describe(value)}`);
  }
}

/** Throws unless `value` (when present) is an `AbortSignal`. */
export function checkSignal(where: string, value: unknown): void {
  if (value === undefined || value instanceof AbortSignal) return;
  throw new InvalidArgumentError(`${where}: signal must be an AbortSignal, got ${describe(value)}`);
}

/** A value as a message shows it: strings quoted, objects by their kind. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  if (typeof value === 'function') return 'a function';
  return String(value);
}

/** The options every connection takes: `idleTimeout`, `readHighWaterMark`, `closeTimeout`. */
export function checkConnectionOptions(
  where: string,
  options: { idleTimeout?: unknown; readHighWaterMark?: unknown; closeTimeout?: unknown },
): void {
  checkCount(where, 'idleTimeout', options.idleTimeout, 0);
  checkCount(where, 'readHighWaterMark', options.readHighWaterMark, 1);
  checkCount(where, 'closeTimeout', options.closeTimeout, 0);
}

/** Where to connect or listen: a `port` (with an optional `host`) or a `path`, never both. */
export function checkEndpoint(
  where: string,
  options: { host?: unknown; port?: unknown; path?: unknown },
  minPort: number,
): void {
  if (options.path !== undefined) {
    if (options.port !== undefined) throw new InvalidArgumentError(`${where}: give a port or a path, not both`);
    checkString(where, 'path', options.path);
    return;
  }
  if (options.port === undefined) throw new InvalidArgumentError(`${where}: needs a port (or a path)`);
  checkPort(where, options.port, minPort);
  checkString(where, 'host', options.host);
}

/** Throws unless `data` is bytes (any `ArrayBufferView`) or a string. */
export function checkBytes(where: string, data: unknown): void {
  if (typeof data === 'string' || ArrayBuffer.isView(data)) return;
  throw new InvalidArgumentError(`${where}: data must be a Uint8Array or a string, got ${describe(data)}`);
}
