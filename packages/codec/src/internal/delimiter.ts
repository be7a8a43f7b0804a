/**
 * Finding a delimiter (one or more bytes) in chunks of bytes, linearly, even
 * when it straddles two chunks. A single-byte delimiter is found with
 * `indexOf`; a longer one with `indexOf` on its first byte, and across chunk
 * boundaries with a Knuth–Morris–Pratt automaton whose state (how much of the
 * delimiter the buffered bytes end with) is carried from chunk to chunk.
 */
export class Delimiter {
  /** The delimiter's bytes. */
  readonly bytes: Uint8Array;
  /** The delimiter as a string when it is pure ASCII (byte offsets = char offsets), else null. */
  readonly ascii: string | null;
  readonly length: number;
  readonly #first: number;
  /** KMP failure function: longest proper prefix that is also a suffix of `bytes[0..i]`. */
  readonly #fail: Int32Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.length = bytes.length;
    this.#first = bytes[0]!;
    this.ascii = bytes.every((b) => b < 0x80) ? String.fromCharCode(...bytes) : null;
    this.#fail = new Int32Array(bytes.length);
    for (let i = 1, k = 0; i < bytes.length; i++) {
      while (k > 0 && bytes[i] !== bytes[k]) k = this.#fail[k - 1]!;
      if (bytes[i] === bytes[k]) k++;
      this.#fail[i] = k;
    }
  }

  /** The index of the first whole delimiter in `chunk` at or after `from`, or -1. */
  indexIn(chunk: Uint8Array, from: number): number {
    if (this.length === 1) return chunk.indexOf(this.#first, from);
    const { bytes, length } = this;
    const last = chunk.length - length;
    for (let i = chunk.indexOf(this.#first, from); i >= 0 && i <= last; i = chunk.indexOf(this.#first, i + 1)) {
      let j = 1;
      while (j < length && chunk[i + j] === bytes[j]) j++;
      if (j === length) return i;
    }
    return -1;
  }

  /**
   * Runs the automaton from `state` over `chunk[from..to)`. Returns the new
   * state (how many delimiter bytes the input now ends with), or `-(i + 1)`
   * if a whole delimiter ends at `chunk[i]`.
   */
  run(state: number, chunk: Uint8Array, from: number, to: number): number {
    const { bytes, length } = this;
    for (let i = from; i < to; i++) {
      const byte = chunk[i]!;
      while (state > 0 && bytes[state] !== byte) state = this.#fail[state - 1]!;
      if (bytes[state] === byte) state++;
      if (state === length) return -(i + 1);
    }
    return state;
  }

  /**
   * How many delimiter bytes the buffered input ends with after appending
   * `chunk[from..)`, given that before it ended with `state` of them and that
   * `chunk[from..)` holds no whole delimiter. Looks at most at `length - 1` bytes.
   */
  stateAfter(state: number, chunk: Uint8Array, from: number): number {
    if (this.length === 1) return 0;
    const tail = this.length - 1;
    if (chunk.length - from >= tail) return this.run(0, chunk, chunk.length - tail, chunk.length);
    return this.run(state, chunk, from, chunk.length);
  }
}
