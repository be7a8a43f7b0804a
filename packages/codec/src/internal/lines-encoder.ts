/**
 * The `lines()` encoder: the line's UTF-8 bytes followed by the delimiter,
 * refusing any line the decoder would not give back unchanged.
 */
import { encodeUtf8 } from '../bytes.js';
import type { Encoder } from '../codec.js';
import { EncodeError, FrameTooLongError } from '../errors.js';
import { checkStringFrame } from './check.js';
import type { LinesConfig } from './lines-config.js';

const CR = 0x0d;

export class LinesEncoder implements Encoder<string> {
  readonly #config: LinesConfig;

  constructor(config: LinesConfig) {
    this.#config = config;
  }

  encode(line: string): Uint8Array {
    checkStringFrame('lines', line);
    const { delimiter, maxFrameLength, stripCR, utf8, encoding } = this.#config;
    if (!utf8) {
      throw new EncodeError(`Cannot encode lines as ${encoding}: only utf-8 can be encoded (TextEncoder)`);
    }
    const bytes = encodeUtf8(line, delimiter.bytes);
    const size = bytes.length - delimiter.length;
    if (size > maxFrameLength) throw new FrameTooLongError(size, maxFrameLength, 'Line');
    // The first delimiter must be the one appended: this also refuses a line
    // whose end and the delimiter together contain an earlier delimiter. A
    // one-character ASCII delimiter is in the bytes exactly when it is in the
    // line (UTF-8 encodes ASCII as itself, nothing else as ASCII), and
    // searching the string is cheaper.
    const mark = delimiter.length === 1 ? delimiter.ascii : null;
    if (mark !== null ? line.includes(mark) : delimiter.indexIn(bytes, 0) !== size) {
      throw new EncodeError('Cannot encode line: it contains the delimiter');
    }
    if (stripCR && size > 0 && bytes[size - 1] === CR) {
      throw new EncodeError('Cannot encode line: it ends with "\\r", which the decoder strips');
    }
    return bytes;
  }
}
