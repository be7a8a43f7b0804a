/**
 * `bytes`, or a copy of them when they are less than half of the buffer they
 * view: what a decoder keeps between chunks (a partial frame) should not hold
 * a whole socket read alive while the connection waits for the rest.
 */
export function compact(bytes: Uint8Array): Uint8Array {
  // A copy made here, not with `slice()`: a Node `Buffer`'s `slice()` is another view.
  return bytes.byteLength * 2 < bytes.buffer.byteLength ? new Uint8Array(bytes) : bytes;
}
