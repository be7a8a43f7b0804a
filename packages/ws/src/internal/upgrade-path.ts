import type { EventEmitter } from 'node:events';
import { InvalidArgumentError } from '@sluice/core';

/** A `.` or `..` path segment, plain or percent-encoded, which a URL resolves away. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * `listen({ path })` as a request's path reads once parsed: percent-encoded as
 * a client sends it (`'/café'` is `'/caf%C3%A9'`, `'/a b'` is `'/a%20b'`), so
 * that the client asking for that URL matches. What no request's path can be
 * is refused: a query or fragment, `.` or `..` segments, a leading `//`.
 */
export function checkPath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const quoted = JSON.stringify(path);
  if (!path.startsWith('/')) throw new InvalidArgumentError(`listen(): path must start with '/', got ${quoted}`);
  if (/[?#]/.test(path)) {
    throw new InvalidArgumentError(
      `listen(): path must be a path alone, without a query or fragment (requests are matched by their path), got ${quoted}`,
    );
  }
  if (path.split(/[/\\]/).some((segment) => DOT_SEGMENT.test(segment))) {
    throw new InvalidArgumentError(
      `listen(): path must not have '.' or '..' segments (clients resolve them away), got ${quoted}`,
    );
  }
  if (/^[/\\]{2}/.test(path)) {
    throw new InvalidArgumentError(
      `listen(): path must not start with '//' (a request target so written names a host), got ${quoted}`,
    );
  }
  return new URL(path, 'ws://x').pathname;
}

/** The 'upgrade' handler of each listener attached to a server, and whether it answers a request target. */
const answering = new WeakMap<(...args: never[]) => void, (target: string | undefined) => boolean>();

/** @internal Records `handler` as a listener's 'upgrade' handler, which answers the targets `answers` says. */
export function registerUpgradeHandler(
  handler: (...args: never[]) => void,
  answers: (target: string | undefined) => boolean,
): void {
  answering.set(handler, answers);
}

/**
 * Whether an upgrade for `target` that `self` does not take is left to the
 * server's other 'upgrade' listeners: yes if one is not a listener's (the
 * user's own) or is a listener's that takes it. Otherwise nobody would answer,
 * and the last of the listeners' handlers answers it (404 or 400), once.
 */
export function leftToOthers(server: EventEmitter, target: string | undefined, self: unknown): boolean {
  const handlers = server.listeners('upgrade');
  if (handlers.some((handler) => handler !== self && (answering.get(handler as never)?.(target) ?? true))) return true;
  return handlers.at(-1) !== self;
}
