/**
 * Proof that sockets are released, shared by the tests of net and ws: Node
 * lists live handles in `process.getActiveResourcesInfo()`. Waits go turn by
 * turn of the event loop until the count settles, bounded by a deadline.
 */

import { afterEach, beforeEach, expect } from 'vitest';

const SOCKET_RESOURCE = /^(TCP|Pipe|UDP|TLS)/;

/** Names of live socket and server handles (TCPSocketWrap, TCPServerWrap, PipeWrap, UDPWrap, …). */
export function socketResources(): string[] {
  return process.getActiveResourcesInfo().filter((name) => SOCKET_RESOURCE.test(name));
}

/** Counts live socket and server handles. */
export function socketHandles(): number {
  return socketResources().length;
}

/**
 * Waits, turn by turn of the event loop, until the handle count falls to
 * `target`; gives up after `limitMs` and returns the count then.
 */
export async function handlesSettleTo(target: number, limitMs = 5000): Promise<number> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const now = socketHandles();
    if (now <= target) return now;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return socketHandles();
}

/** Fails unless the handle count falls back to `baseline`, naming the handles left open. */
export async function expectHandlesBackTo(baseline: number): Promise<void> {
  expect(await handlesSettleTo(baseline), `handles left: ${socketResources().join(', ')}`).toBe(baseline);
}

/**
 * No leaks: fails each test of the file after which a socket or server handle
 * opened during it is still open. Call once at the top of a test file; the
 * result tells a test the count it started with.
 */
export function checkHandlesReleased(): { readonly baseline: number } {
  let baseline = 0;
  beforeEach(() => {
    baseline = socketHandles();
  });
  afterEach(() => expectHandlesBackTo(baseline));
  return {
    get baseline() {
      return baseline;
    },
  };
}
