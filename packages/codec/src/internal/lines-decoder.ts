/**
 * The `lines()` decoder. Each chunk is searched once from where the last
 * search stopped; a line spanning chunks is kept as a list of views and
 * joined once, when its delimiter arrives. Lines inside a chunk are cut from
 * one decode of the chunk (see `#splitAscii`, `#scanText`), so a 64 KiB chunk
 * costs one `TextDecoder` call rather than one per line.
 *
 * If a chunk completes some lines and then hits an error, those lines are
 * pushed already when the error is thrown: the reader hands them out first.
 */

import type { Decoder } from '../codec.js';
import { DecodeError, FrameTooLongError, TruncatedFrameError } from '../errors.js';
import { checkChunk } from './check.js';
import { compact } from './compact.js';
import type { LinesConfig } from './lines-config.js';

const CR = 0x0d;
const NO_BYTES = new Uint8Array(0);
/** From this many chars on, `#splitAscii` cuts with `split` (faster per line on long texts) rather than `indexOf`. */
const SPLIT_FROM = 1024;
/** What `remaining()` returns when nothing is held: shared, frozen. */
const NOTHING_HELD = Object.freeze([]) as unknown as Uint8Array[];

export class LinesDecoder implements Decoder<string> {
  readonly #config: LinesConfig;
  readonly #text: TextDecoder;
  /** Non-fatal UTF-8 decoder for whole chunks; lines are cut from its output. */
  readonly #bulk: TextDecoder | null;
  /** The unfinished line: views of the chunks it arrived in, and their total size. */
  #pieces: Uint8Array[] = [];
  #pending = 0;
  /** How many bytes of a multi-byte delimiter the unfinished line ends with. */
  #matched = 0;

  constructor(config: LinesConfig) {
    this.#config = config;
    this.#text = new TextDecoder(config.encoding, { fatal: config.fatal, ignoreBOM: true });
    const bulk = config.utf8 && config.delimiter.ascii !== null;
    this.#bulk = bulk ? new TextDecoder('utf-8', { ignoreBOM: true }) : null;
  }

  decode(chunk: Uint8Array, out: string[]): void {
    checkChunk('lines', chunk);
    this.#decode(chunk, out);
  }

  end(out: string[]): void {
    if (this.#pending === 0) return;
    if (!this.#config.allowUnterminated) throw new TruncatedFrameError(this.#pending);
    out.push(this.#finish(NO_BYTES, 0));
  }

  remaining(): Uint8Array[] {
    // Asked after every chunk on a connection: no allocation when nothing is held.
    return this.#pieces.length === 0 ? NOTHING_HELD : this.#pieces.slice();
  }

  #decode(chunk: Uint8Array, out: string[]): void {
    const delimiter = this.#config.delimiter;
    let pos = 0;
    if (this.#pending > 0) {
      let end = 0; // where the delimiter ends in `chunk`, 0 if not found
      if (this.#matched > 0) {
        const state = delimiter.run(this.#matched, chunk, 0, Math.min(delimiter.length - 1, chunk.length));
        if (state < 0) end = -state;
      }
      if (end === 0) {
        const index = delimiter.indexIn(chunk, 0);
        if (index < 0) return this.#append(chunk, 0, this.#matched);
        end = index + delimiter.length;
      }
      out.push(this.#finish(chunk, end - delimiter.length));
      pos = end;
    }
    if (pos < chunk.length) {
      const index = delimiter.indexIn(chunk, pos);
      if (index >= 0) pos = this.#scan(chunk, pos, index, out);
      if (pos < chunk.length) this.#append(chunk, pos, 0);
    }
  }

  /** Emits the lines that start at `chunk[pos]` (the first delimiter is at `index`); returns where the rest starts. */
  #scan(chunk: Uint8Array, pos: number, index: number, out: string[]): number {
    if (this.#bulk !== null) {
      const rest = pos === 0 ? chunk : chunk.subarray(pos);
      const text = this.#bulk.decode(rest);
      // Under `fatal`, let the per-line path raise errors for replaced bytes.
      if (!this.#config.fatal || !text.includes('\uFFFD')) {
        if (text.length === rest.length) return pos + this.#splitAscii(text, out);
        return pos + this.#scanText(rest, text, index - pos, out);
      }
    }
    const delimiter = this.#config.delimiter;
    do {
      out.push(this.#line(chunk, pos, index));
      pos = index + delimiter.length;
      index = delimiter.indexIn(chunk, pos);
    } while (index >= 0);
    return pos;
  }

  /**
   * Cuts lines out of `text`, the decoding of some bytes holding at least one
   * delimiter, when `text` is exactly as long as the bytes (ASCII, the common
   * case): then char offsets are byte offsets. Returns where the unfinished
   * tail starts. Long texts are cut natively by `String.prototype.split`;
   * short ones (a line or a few, as requests and replies come) by `indexOf`,
   * which costs a third of what `split` does on a fresh short string.
   */
  #splitAscii(text: string, out: string[]): number {
    const { delimiter, maxFrameLength, stripCR } = this.#config;
    const mark = delimiter.ascii!;
    // Skip the per-line pass when no line can be too long and none ends in CR.
    const hasCR = stripCR && text.includes('\r');
    let rest = 0; // where the unfinished tail starts
    if (text.length < SPLIT_FROM) {
      const check = hasCR || text.length > maxFrameLength;
      for (let at = text.indexOf(mark); at >= 0; at = text.indexOf(mark, rest)) {
        const line = text.slice(rest, at);
        rest = at + mark.length;
        if (check) this.#checkLine(line, out);
        else out.push(line);
      }
      return rest;
    }
    const parts = text.split(mark);
    rest = text.length - parts.pop()!.length;
    const count = parts.length;
    if (hasCR || rest > maxFrameLength) for (let i = 0; i < count; i++) this.#checkLine(parts[i]!, out);
    else for (let i = 0; i < count; i++) out.push(parts[i]!);
    return rest;
  }

  /** Pushes `line` without a trailing CR (if configured), or throws if it is too long. */
  #checkLine(line: string, out: string[]): void {
    const { maxFrameLength, stripCR } = this.#config;
    if (stripCR && line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1);
    if (line.length > maxFrameLength) throw new FrameTooLongError(line.length, maxFrameLength, 'Line');
    out.push(line);
  }

  /**
   * Cuts lines out of `text`, the decoding of `bytes`, when some bytes are not
   * ASCII. An ASCII byte always decodes to itself and no other byte decodes to
   * ASCII, so the k-th delimiter in `text` is the k-th in `bytes`, and slicing
   * `text` gives exactly what decoding each line would. Byte offsets are
   * tracked alongside, for `maxFrameLength` and for where the unfinished tail starts.
   */
  #scanText(bytes: Uint8Array, text: string, index: number, out: string[]): number {
    const { delimiter, maxFrameLength, stripCR } = this.#config;
    const mark = delimiter.ascii!;
    let start = 0;
    let at = text.indexOf(mark);
    let byteStart = 0;
    let byteAt = index;
    for (;;) {
      const cr = stripCR && at > start && text.charCodeAt(at - 1) === CR ? 1 : 0;
      const size = byteAt - byteStart - cr;
      if (size > maxFrameLength) throw new FrameTooLongError(size, maxFrameLength, 'Line');
      out.push(text.slice(start, at - cr));
      start = at + mark.length;
      byteStart = byteAt + mark.length;
      at = text.indexOf(mark, start);
      if (at < 0) return byteStart;
      byteAt = delimiter.indexIn(bytes, byteStart);
    }
  }

  /** Keeps `chunk[from..)` as the start or continuation of the unfinished line. */
  #append(chunk: Uint8Array, from: number, stateBefore: number): void {
    const { delimiter, maxFrameLength, stripCR } = this.#config;
    const piece = from === 0 ? chunk : compact(chunk.subarray(from));
    if (piece.length === 0) return;
    this.#pieces.push(piece);
    this.#pending += piece.length;
    this.#matched = delimiter.stateAfter(stateBefore, chunk, from);
    // Bytes that may yet turn out to be a delimiter (or a stripped CR) do not count.
    let allowance = this.#matched;
    if (stripCR) allowance += delimiter.length > 1 || piece[piece.length - 1] === CR ? 1 : 0;
    if (this.#pending - allowance > maxFrameLength) throw new FrameTooLongError(this.#pending, maxFrameLength, 'Line');
  }

  /** Joins the unfinished line with `chunk[0..end)` (or drops its last `-end` bytes) and decodes it. */
  #finish(chunk: Uint8Array, end: number): string {
    const pieces = this.#pieces;
    const total = this.#pending + end;
    let bytes: Uint8Array;
    if (pieces.length === 1 && end <= 0) {
      bytes = pieces[0]!.subarray(0, total);
    } else {
      bytes = new Uint8Array(total);
      let offset = 0;
      for (const piece of pieces) {
        const take = Math.min(piece.length, total - offset);
        bytes.set(take === piece.length ? piece : piece.subarray(0, take), offset);
        offset += take;
      }
      if (end > 0) bytes.set(chunk.subarray(0, end), offset);
    }
    this.#pieces = [];
    this.#pending = 0;
    this.#matched = 0;
    return this.#line(bytes, 0, total);
  }

  /** Decodes the line `bytes[start..end)`, dropping a trailing CR if configured. */
  #line(bytes: Uint8Array, start: number, end: number): string {
    const { maxFrameLength, stripCR, encoding } = this.#config;
    if (stripCR && end > start && bytes[end - 1] === CR) end--;
    if (end - start > maxFrameLength) throw new FrameTooLongError(end - start, maxFrameLength, 'Line');
    try {
      return this.#text.decode(bytes.subarray(start, end));
    } catch (error) {
      throw new DecodeError(`Invalid ${encoding} in a ${end - start}-byte line`, { cause: error });
    }
  }
}
