import { DecodeError } from './errors.js';
import { kindOf } from './internal/check.js';

/**
 * Checks what a decoder returned: an array of frames, as the `Decoder`
 * contract says. Anything else (a number, a `Set`, a string, `undefined`)
 * throws a `DecodeError` (`ERR_DECODE`) naming the codec, instead of
 * turning into `undefined` frames, a frame per character, or an uncoded
 * `TypeError` further on. Every reader in Sluice checks its decoders with
 * it; call it too where you drive a custom decoder yourself.
 *
 * @param codec The codec's name, for the message.
 * @returns `output`, typed as the frames it is.
 *
 * @example
 * ```ts
 * const decoder = codec.decoder();
 * for (const frame of checkFrames(codec.name ?? 'custom', decoder.decode(chunk))) handle(frame);
 * ```
 */
export function checkFrames<T>(codec: string, output: T[]): T[] {
  if (Array.isArray(output)) return output;
  throw new DecodeError(`${codec}: the decoder returned ${kindOf(output)}, not an array of frames`);
}
