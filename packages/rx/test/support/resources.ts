/**
 * Proof that sockets are released: Node lists live handles in
 * `process.getActiveResourcesInfo()`. Waits go turn by turn of the event loop
 * until the count settles, bounded by a deadline: no fixed sleeps.
 */
const SOCKET_RESOURCES = new Set(['TCPSocketWrap', 'TCPWrap', 'TCPServerWrap']);

/** Counts live TCP socket and server handles. */
export function socketHandles(): { sockets: number; servers: number } {
  let sockets = 0;
  let servers = 0;
  for (const name of process.getActiveResourcesInfo()) {
    // Node 20 names a connected TCP socket 'TCPSocketWrap' ('TCPWrap' in older releases).
    if (name === 'TCPSocketWrap' || name === 'TCPWrap') sockets++;
    else if (name === 'TCPServerWrap') servers++;
  }
  return { sockets, servers };
}

/** The total of live TCP handles of both kinds. */
export function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => SOCKET_RESOURCES.has(name)).length;
}

/** Waits, turn by turn of the event loop, until `check()` holds; gives up after `limitMs` and returns the last value. */
export async function settle<T>(probe: () => T, check: (value: T) => boolean, limitMs = 5000): Promise<T> {
  const deadline = Date.now() + limitMs;
  let value = probe();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
    value = probe();
  }
  return value;
}

/** Waits until the live TCP handles fall to `target` (or the deadline passes); returns the count then. */
export function handlesSettleTo(target: number, limitMs = 5000): Promise<number> {
  return settle(tcpHandles, (count) => count <= target, limitMs);
}

/** Runs of a property test: small by default, raised with FC_NUM_RUNS. */
export const numRuns = (fallback: number): number => Number(process.env.FC_NUM_RUNS ?? fallback);
