import { InvalidArgumentError } from '@sluice/core';
import { isThenable } from './call-contained.js';

/**
 * Wraps a check that answers with an error (`undefined` to accept), such as
 * Node's `checkServerIdentity`, so that a throw becomes its answer. Node calls
 * such checks from inside a handshake, where a throw would escape as an
 * uncaught exception and end the process; wrapped, it refuses instead, and
 * the caller waiting (a `connect()`) rejects with what was thrown. An answer
 * that is neither an `Error` nor `undefined` (a promise from an `async`
 * check, whose rejection would also end the process) refuses with
 * `ERR_INVALID_ARG`. For transports that hand their users' checks to Node.
 *
 * @param callback Which check it is, as the user knows it, for messages.
 *
 * @example
 * ```ts
 * const checkServerIdentity = refuseOnThrow('connect(): tls.checkServerIdentity', options.checkServerIdentity);
 * tls.connect({ ...options, checkServerIdentity });
 * ```
 */
export function refuseOnThrow<A extends unknown[]>(
  callback: string,
  check: (...args: A) => Error | undefined,
): (...args: A) => Error | undefined {
  return (...args) => {
    try {
      const answer: unknown = check(...args);
      if (answer == null) return undefined;
      if (answer instanceof Error) return answer;
      if (isThenable(answer)) {
        answer.then(undefined, () => {}); // its rejection has nobody to reach: the check is refused already
        return new InvalidArgumentError(`${callback} must answer at once (an Error or undefined), not with a promise`);
      }
      return new InvalidArgumentError(`${callback} must answer with an Error or undefined, got ${typeof answer}`);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
}
