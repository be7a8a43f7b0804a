/** Ctrl-C (SIGINT) and SIGTERM for a command that ends on them as it ends normally, with its counts. */

/**
 * Calls `onSignal` on the first SIGINT or SIGTERM, which then no longer
 * stops the process itself (a second one does, as Node's default: the way
 * to force). Returns the function that stops listening.
 */
export function onInterrupt(onSignal: (signal: NodeJS.Signals) => void): () => void {
  const handle = (signal: NodeJS.Signals) => {
    stop();
    onSignal(signal);
  };
  const stop = () => {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
  };
  process.once('SIGINT', handle);
  process.once('SIGTERM', handle);
  return stop;
}
