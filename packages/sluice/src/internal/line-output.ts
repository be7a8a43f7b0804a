import { AbortError, SluiceError } from '@sluice/core';

/** Stdout's reader has gone (`| head` exited): the program ends quietly. Code `ERR_OUTPUT_CLOSED`. */
export class OutputClosedError extends SluiceError {
  override name = 'OutputClosedError';

  constructor(cause?: unknown) {
    super('ERR_OUTPUT_CLOSED', 'stdout was closed', cause === undefined ? undefined : { cause });
  }
}

/**
 * Lines to stdout at the pace stdout drains: `write()` resolves once the
 * stream can take more, so a caller that awaits it reads its socket no faster
 * than stdout's reader. Once the reader has gone (EPIPE), `write()` rejects
 * with {@link OutputClosedError} and `closed` is aborted.
 */
export class LineOutput {
  readonly #stream: NodeJS.WritableStream;
  readonly #closed = new AbortController();

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
    stream.on('error', this.#onGone);
    stream.on('close', this.#onClose);
  }

  /** Aborted once stdout's reader has gone. */
  get closed(): AbortSignal {
    return this.#closed.signal;
  }

  /** Writes `line` and a newline; resolves when stdout can take more. `signal` stops the wait. */
  async write(line: string, signal?: AbortSignal): Promise<void> {
    const closed = this.#closed.signal;
    if (closed.aborted) throw new OutputClosedError(closed.reason);
    if (this.#stream.write(`${line}\n`)) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        this.#stream.removeListener('drain', onDrain);
        closed.removeEventListener('abort', onClosed);
        signal?.removeEventListener('abort', onAbort);
      };
      const onDrain = () => (done(), resolve());
      const onClosed = () => (done(), reject(new OutputClosedError(closed.reason)));
      const onAbort = () => (done(), reject(new AbortError(signal?.reason)));
      if (signal?.aborted) return onAbort();
      this.#stream.on('drain', onDrain);
      closed.addEventListener('abort', onClosed);
      signal?.addEventListener('abort', onAbort);
    });
  }

  /** Stops listening to the stream. */
  dispose(): void {
    this.#stream.removeListener('error', this.#onGone);
    this.#stream.removeListener('close', this.#onClose);
  }

  #onGone = (error: unknown): void => {
    if (!this.#closed.signal.aborted) this.#closed.abort(error);
  };

  #onClose = (): void => this.#onGone(undefined);
}

/** True for the error a {@link LineOutput} raises once stdout's reader has gone. */
export function isOutputClosed(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'ERR_OUTPUT_CLOSED';
}
