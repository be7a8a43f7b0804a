/**
 * Wraps a check that answers with an error (`undefined` to accept), such as
 * Node's `checkServerIdentity`, so that a throw becomes its answer. Node calls
 * such checks from inside a handshake, where a throw would escape as an
 * uncaught exception and end the process; wrapped, it refuses instead, and
 * the caller waiting (a `connect()`) rejects with what was thrown. For
 * transports that hand their users' checks to Node.
 *
 * @example
 * ```ts
 * tls.connect({ ...options, checkServerIdentity: refuseOnThrow(options.checkServerIdentity) });
 * ```
 */
export function refuseOnThrow<A extends unknown[]>(
  check: (...args: A) => Error | undefined,
): (...args: A) => Error | undefined {
  return (...args) => {
    try {
      return check(...args);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
}
