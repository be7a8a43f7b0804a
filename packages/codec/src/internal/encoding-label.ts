import { InvalidArgumentError } from '@sluice/core';

/** The canonical name of a `TextDecoder` label; an unknown label is an `ERR_INVALID_ARG` error. */
export function canonicalEncoding(label: string, option: string): string {
  try {
    return new TextDecoder(label).encoding;
  } catch (error) {
    throw Object.assign(
      new InvalidArgumentError(`${option} must be a text encoding TextDecoder knows, got "${label}"`),
      { cause: error },
    );
  }
}
