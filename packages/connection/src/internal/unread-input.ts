import type { Codec, Decoder } from '@sluice/codec';

const NO_BYTES: Uint8Array[] = [];

/**
 * What a framed reader must give back when another reader takes over its
 * connection: the bytes of frames decoded but not read, then the bytes its
 * decoder holds, in order (tokio's `FramedParts`, Netty's handler
 * replacement).
 *
 * It records, after each chunk, what the decoder holds (`remaining()`), and
 * keeps the input behind a chunk's frames only while some of them are unread
 * (or a decode error waits behind them): from the last frame boundary, that
 * is the bytes the decoder held before the chunk, then the chunk. A decoder
 * without `remaining()` cannot hand its bytes back, so nothing is recorded
 * for it.
 *
 * @internal
 */
export class UnreadInput {
  /** What the decoder held after the last chunk: the start of a partial frame. */
  #held: Uint8Array[] = NO_BYTES;
  /** The input behind frames not all read yet, from a frame boundary on. */
  #input: Uint8Array[] | null = null;

  /** A frame has begun: the decoder holds some of its bytes. */
  get partial(): boolean {
    return this.#held.length > 0;
  }

  /** After `decoder` took `chunk`, pushed `frames` frames, and threw if `failed`. */
  record(decoder: Decoder<unknown>, chunk: Uint8Array, frames: number, failed: boolean): void {
    if (decoder.remaining === undefined || chunk.length === 0) return;
    if (frames > 1 || failed) this.#input = this.#held.length === 0 ? [chunk] : [...this.#held, chunk];
    else if (frames === 1) this.#input = null; // read as soon as decoded: nothing to replay
    this.#held = failed ? NO_BYTES : heldBy(decoder);
  }

  /** Every frame of the recorded input was read: let go of the input (often a whole 64 KiB socket read). */
  release(): void {
    this.#input = null;
  }

  /**
   * The bytes for the next reader, and a fresh start. `read` frames of the
   * recorded input were read; `replay` says whether anything behind them is
   * unread (frames, or bytes a decode error refused), in which case the
   * bytes start after the `read`-th frame; otherwise they are what `decoder`
   * holds.
   */
  handBack(codec: Codec<unknown, unknown>, decoder: Decoder<unknown>, read: number, replay: boolean): Uint8Array[] {
    const input = this.#input;
    this.#input = null;
    this.#held = NO_BYTES;
    try {
      if (replay && input !== null) return bytesPastFrames(codec, input, read);
      return decoder.remaining?.() ?? NO_BYTES;
    } catch {
      return NO_BYTES; // a decoder that cannot say what it holds gives nothing back
    }
  }
}

/** What `decoder` holds, or nothing if it cannot say. */
function heldBy(decoder: Decoder<unknown>): Uint8Array[] {
  try {
    return decoder.remaining?.() ?? NO_BYTES;
  } catch {
    return NO_BYTES;
  }
}

/**
 * The bytes of `input` (which starts on a frame boundary) after its first
 * `frames` frames. Decoders are deterministic, so a fresh decoder fed the
 * first `n` bytes completes a number of frames that only grows with `n`: a
 * binary search finds the first `n` that completes `frames` of them, where
 * the last one ends. Paid once, on a switch of readers with frames unread.
 */
function bytesPastFrames(codec: Codec<unknown, unknown>, input: Uint8Array[], frames: number): Uint8Array[] {
  if (frames === 0) return input;
  let low = 0;
  let high = input.reduce((total, bytes) => total + bytes.length, 0);
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (decodePrefix(codec, input, middle).frames >= frames) high = middle;
    else low = middle + 1;
  }
  const { decoder, failed } = decodePrefix(codec, input, low);
  return [...(failed ? NO_BYTES : (decoder.remaining?.() ?? NO_BYTES)), ...bytesFrom(input, low)];
}

/** A fresh decoder fed the first `length` bytes of `input`: how many frames it completed. */
function decodePrefix(
  codec: Codec<unknown, unknown>,
  input: Uint8Array[],
  length: number,
): { decoder: Decoder<unknown>; frames: number; failed: boolean } {
  const decoder = codec.decoder();
  const sink: unknown[] = [];
  let left = length;
  try {
    for (const bytes of input) {
      if (left === 0) break;
      decoder.decode(left >= bytes.length ? bytes : bytes.subarray(0, left), sink);
      left -= Math.min(left, bytes.length);
    }
  } catch {
    return { decoder, frames: sink.length, failed: true };
  }
  return { decoder, frames: sink.length, failed: false };
}

/** The bytes of `input` from offset `start` on. */
function bytesFrom(input: Uint8Array[], start: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  let skip = start;
  for (const bytes of input) {
    if (skip >= bytes.length) {
      skip -= bytes.length;
      continue;
    }
    rest.push(skip === 0 ? bytes : bytes.subarray(skip));
    skip = 0;
  }
  return rest;
}
