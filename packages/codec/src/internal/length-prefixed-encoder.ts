/**
 * The `lengthPrefixed()` encoder: header and payload together in one array
 * from the shared slab (`allocateBytes`), refusing any frame the decoder would refuse.
 */
import { allocateBytes } from '../bytes.js';
import type { Encoder } from '../codec.js';
import { EncodeError, FrameTooLongError } from '../errors.js';
import { checkBytesFrame } from './check.js';
import { type LengthField, writeFixed } from './length-field.js';
import { varintLength, writeVarint } from './varint.js';

export class LengthPrefixedEncoder implements Encoder<Uint8Array> {
  readonly #field: LengthField;

  constructor(field: LengthField) {
    this.#field = field;
  }

  encode(frame: Uint8Array): Uint8Array {
    checkBytesFrame('lengthPrefixed', frame);
    const { width, littleEndian, maxFrameLength, includesHeader, adjustment, fieldMax } = this.#field;
    const size = frame.length;
    if (size > maxFrameLength) throw new FrameTooLongError(size, maxFrameLength);
    const headerLength = width !== 0 ? width : varintHeaderLength(size - adjustment, includesHeader);
    const value = size - adjustment + (includesHeader ? headerLength : 0);
    if (value < 0) {
      throw new EncodeError(
        `Cannot encode a ${size}-byte frame: its length field would be ${value} (lengthAdjustment ${adjustment})`,
      );
    }
    if (value > fieldMax) {
      throw new FrameTooLongError(size, fieldMax + adjustment - (includesHeader ? headerLength : 0));
    }
    const out = allocateBytes(headerLength + size);
    if (width === 0) writeVarint(value, out, 0);
    else writeFixed(value, out, width, littleEndian);
    out.set(frame, headerLength);
    return out;
  }
}

/**
 * The size of a varint header. When the length counts the header, the header
 * size depends on itself: take the smallest size that fits the total.
 */
function varintHeaderLength(base: number, includesHeader: boolean): number {
  if (base < 0 || !includesHeader) return base < 0 ? 1 : varintLength(base);
  let length = 1;
  while (varintLength(base + length) > length) length++;
  return length;
}
