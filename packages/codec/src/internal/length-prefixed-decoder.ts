/**
 * The `lengthPrefixed()` decoder. Frames wholly inside a chunk are pushed as
 * views of it. A frame spanning chunks is gathered as the chunks arrive and
 * copied once into a buffer of exactly its size when its last byte is in:
 * memory follows the bytes the peer actually sent, never the size its header
 * announces (a peer that announces 16 MiB and stalls holds only what it sent).
 * A header split across chunks collects in a 10-byte accumulator.
 *
 * If a chunk completes some frames and then hits an error, those frames are
 * pushed already when the error is thrown: the reader hands them out first.
 */

import type { Decoder } from '../codec.js';
import { DecodeError, FrameTooLongError, TruncatedFrameError } from '../errors.js';
import { checkChunk } from './check.js';
import { compact } from './compact.js';
import { type LengthField, readFixed } from './length-field.js';
import { MAX_VARINT_BYTES, readVarint, type VarintRead } from './varint.js';

/** What `remaining()` returns when nothing is held: shared, frozen. */
const NOTHING_HELD = Object.freeze([]) as unknown as Uint8Array[];

export class LengthPrefixedDecoder implements Decoder<Uint8Array> {
  readonly #field: LengthField;
  /** Header bytes of the next frame received so far (only when split). */
  readonly #header = new Uint8Array(MAX_VARINT_BYTES);
  #headerFilled = 0;
  /** How many bytes the last varint header took (set by `readVarint`). */
  readonly #varint: VarintRead = { length: 0 };
  /** The frame being gathered across chunks: its parts so far, their length, its size and header size. */
  #parts: Uint8Array[] | null = null;
  #frameFilled = 0;
  #frameSize = 0;
  #frameHeader = 0;
  /** The header of the frame being gathered, kept only to hand it back in `remaining()`. */
  #frameHeaderBytes: Uint8Array | null = null;

  constructor(field: LengthField) {
    this.#field = field;
  }

  decode(chunk: Uint8Array, frames: Uint8Array[]): void {
    checkChunk('lengthPrefixed', chunk);
    // An empty chunk changes nothing (and must not become an empty part of a gathered frame).
    if (chunk.length > 0) this.#decode(chunk, frames);
  }

  end(): void {
    const buffered = this.#headerFilled + (this.#parts === null ? 0 : this.#frameHeader + this.#frameFilled);
    if (buffered > 0) throw new TruncatedFrameError(buffered);
  }

  remaining(): Uint8Array[] {
    if (this.#headerFilled > 0) return [this.#header.slice(0, this.#headerFilled)];
    // Asked after every chunk on a connection: no allocation when nothing is held.
    return this.#parts === null ? NOTHING_HELD : [this.#frameHeaderBytes!, ...this.#parts];
  }

  #decode(chunk: Uint8Array, frames: Uint8Array[]): void {
    let pos = 0;
    if (this.#parts !== null) {
      pos = this.#fill(chunk, frames);
      if (this.#parts !== null) return;
    }
    if (this.#headerFilled > 0) {
      pos = this.#continueHeader(chunk, pos);
      if (this.#headerFilled > 0) return;
      const value = this.#headerValue();
      const headerLength = this.#field.width || this.#varint.length;
      const size = this.#sizeOf(value, headerLength);
      pos = this.#take(chunk, pos, size, headerLength, frames, this.#header);
      if (this.#parts !== null) return;
    }
    this.#scan(chunk, pos, frames);
  }

  /** The hot loop: frames whose headers start in `chunk` at or after `pos`. */
  #scan(chunk: Uint8Array, pos: number, frames: Uint8Array[]): void {
    const { width, littleEndian, maxFrameLength, copy: copying } = this.#field;
    const length = chunk.length;
    // Read once per chunk: `chunk.buffer` is a getter, dearer than the view made of it.
    const buffer = chunk.buffer;
    const base = chunk.byteOffset;
    while (pos < length) {
      let value: number;
      let headerLength: number;
      if (width === 0) {
        const first = chunk[pos]!;
        if (first < 0x80) {
          value = first;
          headerLength = 1;
        } else {
          value = readVarint(chunk, pos, length, maxFrameLength, this.#varint);
          if (value < 0) return this.#stashHeader(chunk, pos);
          headerLength = this.#varint.length;
        }
      } else if (pos + width <= length) {
        value = readFixed(chunk, pos, width, littleEndian, maxFrameLength);
        headerLength = width;
      } else {
        return this.#stashHeader(chunk, pos);
      }
      const start = pos + headerLength;
      const size = this.#sizeOf(value, headerLength);
      if (start + size > length) {
        pos = this.#take(chunk, start, size, headerLength, frames);
      } else {
        frames.push(copying ? copy(chunk, start, size) : new Uint8Array(buffer, base + start, size));
        pos = start + size;
      }
    }
  }

  /** Emits the payload at `chunk[start]` if complete, else starts assembling it. */
  #take(
    chunk: Uint8Array,
    start: number,
    size: number,
    headerLength: number,
    frames: Uint8Array[],
    header?: Uint8Array,
  ): number {
    const end = start + size;
    if (end <= chunk.length) {
      frames.push(this.#field.copy ? copy(chunk, start, size) : view(chunk, start, size));
      return end;
    }
    this.#parts = [compact(chunk.subarray(start))];
    this.#frameFilled = chunk.length - start;
    this.#frameSize = size;
    this.#frameHeader = headerLength;
    // Copies: a Node `Buffer`'s `slice()` would be a view, keeping the whole chunk alive.
    this.#frameHeaderBytes = new Uint8Array(
      header === undefined ? chunk.subarray(start - headerLength, start) : header.subarray(0, headerLength),
    );
    return chunk.length;
  }

  /** Adds the next bytes of `chunk` to the frame being gathered; emits it once complete. */
  #fill(chunk: Uint8Array, frames: Uint8Array[]): number {
    const parts = this.#parts!;
    const needed = this.#frameSize - this.#frameFilled;
    if (chunk.length < needed) {
      parts.push(chunk);
      this.#frameFilled += chunk.length;
      return chunk.length;
    }
    parts.push(needed === chunk.length ? chunk : chunk.subarray(0, needed));
    const frame = new Uint8Array(this.#frameSize);
    let offset = 0;
    for (const part of parts) {
      frame.set(part, offset);
      offset += part.length;
    }
    frames.push(frame);
    this.#parts = null;
    this.#frameHeaderBytes = null;
    this.#frameFilled = 0;
    return needed;
  }

  /** The payload size a header announces, checked against the limits. */
  #sizeOf(value: number, headerLength: number): number {
    const { includesHeader, adjustment, maxFrameLength } = this.#field;
    const size = includesHeader ? value + adjustment - headerLength : value + adjustment;
    if (size > maxFrameLength) throw new FrameTooLongError(size, maxFrameLength);
    if (size < 0) {
      throw new DecodeError(`Invalid length field: ${value} gives a payload of ${size} bytes`);
    }
    return size;
  }

  #stashHeader(chunk: Uint8Array, pos: number): void {
    this.#header.set(chunk.subarray(pos));
    this.#headerFilled = chunk.length - pos;
  }

  /** Adds bytes of `chunk` to a split header; `#headerFilled` is 0 once it is complete. */
  #continueHeader(chunk: Uint8Array, pos: number): number {
    const { width, maxFrameLength } = this.#field;
    const header = this.#header;
    if (width > 0) {
      const take = Math.min(width - this.#headerFilled, chunk.length - pos);
      header.set(chunk.subarray(pos, pos + take), this.#headerFilled);
      this.#headerFilled += take;
      if (this.#headerFilled === width) this.#headerFilled = 0;
      return pos + take;
    }
    while (pos < chunk.length) {
      header[this.#headerFilled++] = chunk[pos++]!;
      if (readVarint(header, 0, this.#headerFilled, maxFrameLength, this.#varint) >= 0) {
        this.#headerFilled = 0;
        break;
      }
    }
    return pos;
  }

  /** The value of the completed header in the accumulator. */
  #headerValue(): number {
    const { width, littleEndian, maxFrameLength } = this.#field;
    if (width !== 0) return readFixed(this.#header, 0, width, littleEndian, maxFrameLength);
    return readVarint(this.#header, 0, MAX_VARINT_BYTES, maxFrameLength, this.#varint);
  }
}

/**
 * A plain `Uint8Array` view of `chunk[start, start + size)`. Faster than
 * `subarray`, which on a Node `Buffer` goes through `Buffer`'s species
 * constructor (about 3x the cost per frame).
 */
function view(chunk: Uint8Array, start: number, size: number): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset + start, size);
}

/**
 * A copy of `chunk[start, start + size)` in a buffer of its own. Not
 * `chunk.slice()`: on a Node `Buffer`, `slice` returns a view.
 */
function copy(chunk: Uint8Array, start: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(view(chunk, start, size));
  return out;
}
