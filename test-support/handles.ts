/**
 * Proof that sockets are released, shared by the tests of net and ws: Node
 * lists live handles in `process.getActiveResourcesInfo()`. Waits go turn by
 * turn of the event loop until the count settles, bounded by a deadline.
 */

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
