/**
 * examples/resp-codec.ts as a codec module for the `sluice` CLI: talk to
 * Redis by hand, as with redis-cli. The codec is the default export; a typed
 * line (`SET greeting hello`) goes as the RESP array of its words, as
 * redis-cli sends it (`fromLine`); an error reply prints as `(error) …`
 * (`toLine`).
 *
 * Run (with redis-server on its default port):
 *   pnpm sluice connect 127.0.0.1:6379 --codec ./examples/resp-cli-codec.ts
 * then type `PING`, `SET greeting hello`, `GET greeting`.
 */
import { RespError, resp } from './resp-codec.js';

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
