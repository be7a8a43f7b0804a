/**
 * The README's worked custom codec: netstrings (`5:hello,`), written with the
 * public API only, and tested in `netstring.test.ts`. Not exported by the
 * package.
 *
 * Its shape is the one every codec here shares: limits checked while the
 * header arrives (the length digits), one allocation for a frame spanning
 * chunks, views for frames inside a chunk, and a truncation error at the end.
 */
import {
  allocateBytes,
  type Codec,
  DecodeError,
  type Decoder,
  encodeUtf8,
  FrameTooLongError,
  TruncatedFrameError,
} from '@sluice/codec';

const COLON = 0x3a;
const COMMA = 0x2c;
const ZERO = 0x30;

/** Netstrings of at most `maxFrameLength` payload bytes. */
export function netstring(maxFrameLength = 1 << 20): Codec<Uint8Array> {
  return {
    name: 'netstring',
    decoder: () => new NetstringDecoder(maxFrameLength),
    encoder: () => ({
      encode(frame: Uint8Array): Uint8Array {
        if (frame.length > maxFrameLength) throw new FrameTooLongError(frame.length, maxFrameLength);
        const head = encodeUtf8(`${frame.length}:`);
        const out = allocateBytes(head.length + frame.length + 1); // from a shared slab: no malloc per frame
        out.set(head);
        out.set(frame, head.length);
        out[out.length - 1] = COMMA;
        return out;
      },
    }),
  };
}

class NetstringDecoder implements Decoder<Uint8Array> {
  readonly #max: number;
  #length = 0; // the length read so far
  #digits = 0; // how many digits of it
  #frame: Uint8Array | null = null; // the payload being assembled
  #filled = 0;
  #seen = 0; // bytes of the current netstring received

  constructor(max: number) {
    this.#max = max;
  }

  decode(chunk: Uint8Array, frames: Uint8Array[]): void {
    let pos = 0;
    while (pos < chunk.length) {
      const frame = this.#frame;
      if (frame === null) {
        const byte = chunk[pos++]!;
        this.#seen++;
        if (byte !== COLON || this.#digits === 0) {
          this.#digit(byte);
          continue;
        }
        const end = pos + this.#length;
        if (end < chunk.length) {
          // Payload and comma inside this chunk: hand out a view.
          if (chunk[end] !== COMMA) throw new DecodeError(`netstring: expected "," after ${this.#length} bytes`);
          frames.push(chunk.subarray(pos, end));
          pos = end + 1;
          this.#reset();
          continue;
        }
        this.#frame = new Uint8Array(this.#length); // size checked digit by digit
      } else if (this.#filled < frame.length) {
        const take = Math.min(frame.length - this.#filled, chunk.length - pos);
        frame.set(chunk.subarray(pos, pos + take), this.#filled);
        this.#filled += take;
        this.#seen += take;
        pos += take;
      } else {
        if (chunk[pos++] !== COMMA) throw new DecodeError(`netstring: expected "," after ${frame.length} bytes`);
        frames.push(frame);
        this.#reset();
      }
    }
  }

  end(): void {
    if (this.#seen > 0) throw new TruncatedFrameError(this.#seen);
  }

  /** Adds one length digit, refusing a non-digit, a leading zero or a length over the limit. */
  #digit(byte: number): void {
    const digit = byte - ZERO;
    if (digit < 0 || digit > 9) throw new DecodeError(`netstring: expected a digit or ":", got byte ${byte}`);
    if (this.#digits === 1 && this.#length === 0) throw new DecodeError('netstring: length has a leading zero');
    this.#length = this.#length * 10 + digit;
    this.#digits++;
    if (this.#length > this.#max) throw new FrameTooLongError(this.#length, this.#max);
  }

  #reset(): void {
    this.#length = 0;
    this.#digits = 0;
    this.#frame = null;
    this.#filled = 0;
    this.#seen = 0;
  }
}
