import { CodecContractError } from './errors.js';
import { kindOf } from './internal/check.js';

/**
 * Checks what a decoder's `decode(chunk, frames)` or `end(frames)` returned:
 * nothing (or `frames` itself). A decoder written to the contract before
 * 0.1.0 returns its own array of frames and ignores `frames`; it is refused
 * with `ERR_CODEC_CONTRACT`, saying what to change, and `frames` is emptied:
 * none of its output is used. For readers of your own that drive a `Decoder`, as `Framed`,
 * `decode()` and rx's `decodeWith()` do.
 *
 * @param codec The codec's name, for the message.
 * @param returned What the call returned.
 * @param frames The array the call was given.
 *
 * @example
 * ```ts
 * const frames: Message[] = [];
 * checkDecoded(codec.name ?? 'custom codec', decoder.decode(chunk, frames), frames);
 * for (const frame of frames) handle(frame);
 * ```
 */
export function checkDecoded(codec: string, returned: unknown, frames: unknown[]): void {
  if (returned === undefined || returned === frames) return;
  frames.length = 0; // none of a refused decoder's output is used
  const old = Array.isArray(returned) ? ' (its frames, as decoders did before 0.1.0)' : '';
  throw new CodecContractError(
    `${codec}: the decoder returned ${kindOf(returned)}${old}; a decoder pushes its frames onto the array it is given, decode(chunk, frames) and end(frames), and returns nothing`,
  );
}
