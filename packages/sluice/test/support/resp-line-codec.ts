/**
 * examples/resp-codec.ts as a `sluice --codec` module: the codec is the
 * default export, a typed line (`SET greeting hello`) goes as the RESP array
 * of its words, as redis-cli sends it, and an error reply prints as
 * `(error) …`. Used by cli-codec-module.test.ts against a real redis-server.
 */
import { RespError, resp } from '../../../../examples/resp-codec.js';

export default resp;

/** A stdin line as a Redis command: its words; a blank line sends nothing. */
export function fromLine(line: string): string[] | undefined {
  const words = line.split(/\s+/).filter((word) => word !== '');
  return words.length > 0 ? words : undefined;
}

/** An error reply as redis-cli shows it; anything else as sluice would. */
export function toLine(value: unknown): string | undefined {
  return value instanceof RespError ? `(error) ${value.message}` : undefined;
}
