/**
 * examples/resp-codec.ts as a codec module for the `sluice` CLI: talk to
 * Redis by hand, as with redis-cli. The codec is the default export; a typed
 * line (`SET greeting hello`) goes as the RESP array of its words, as
 * redis-cli sends it, quotes and all (`fromLine`); an error reply prints as
 * `(error) …` and a nil reply as `(nil)` (`toLine`).
 *
 * Run (with redis-server on its default port):
 *   pnpm sluice connect 127.0.0.1:6379 --codec ./examples/resp-cli-codec.ts
 * then type `PING`, `SET greeting "hello world"`, `GET greeting`.
 */
import { RespError, type RespValue, resp } from './resp-codec.js';

export default resp;

/**
 * A stdin line as a Redis command, split into words as redis-cli splits
 * them: `SET b "hello world"` is three. In double quotes, `\"`, `\\`,
 * `\n`, `\r`, `\t`, `\b`, `\a` and `\xHH` are escapes; in single quotes
 * only `\'` is. A closing quote must end its word. A blank line sends
 * nothing; an unbalanced quote throws (the line is skipped, and said so).
 */
export function fromLine(line: string): RespValue[] | undefined {
  const words: RespValue[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) return words.length > 0 ? words : undefined;
    const bytes: number[] = [];
    const add = (text: string) => bytes.push(...utf8.encode(text));
    let quote: '"' | "'" | undefined;
    let raw = false; // a \xHH escape of a byte over 0x7f: the word goes as bytes, not text
    for (; ; i++) {
      const c = line[i];
      if (c === undefined) {
        if (quote !== undefined) throw new Error(`unbalanced ${quote} quote (as redis-cli: Invalid argument(s))`);
        break;
      }
      if (quote === undefined) {
        if (/\s/.test(c)) break;
        if (c === '"' || c === "'") quote = c;
        else add(c);
      } else if (c === quote) {
        const next = line[i + 1];
        if (next !== undefined && !/\s/.test(next))
          throw new Error(`a closing ${quote} quote must end its word (as redis-cli: Invalid argument(s))`);
        quote = undefined;
        i++;
        break;
      } else if (c === '\\' && quote === '"') {
        const hex = /^x([\da-f]{2})/i.exec(line.slice(i + 1, i + 4));
        if (hex) {
          const byte = Number.parseInt(hex[1] as string, 16);
          bytes.push(byte);
          raw ||= byte > 0x7f;
          i += 3;
        } else if (i + 1 < line.length) {
          const e = line[++i] as string;
          add(ESCAPES[e] ?? e);
        } else add(c);
      } else if (c === '\\' && quote === "'" && line[i + 1] === "'") {
        add("'");
        i++;
      } else add(c);
    }
    const word = Uint8Array.from(bytes);
    words.push(raw ? word : utf8Decoder.decode(word));
  }
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
/** redis-cli's escapes in double quotes, besides \xHH (any other escaped character is itself). */
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** An error reply as redis-cli shows it, a nil reply as `(nil)`; anything else as sluice would. */
export function toLine(value: unknown): string | undefined {
  if (value === null) return '(nil)';
  return value instanceof RespError ? `(error) ${value.message}` : undefined;
}
