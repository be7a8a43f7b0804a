/**
 * An empty chunk, fed to a decoder right after a chunk that gave frames: a
 * decoder that found an error behind those frames throws it then, so the
 * error arrives at once rather than when more bytes come (see the `Decoder`
 * contract).
 *
 * @internal
 */
export const NO_INPUT: Uint8Array = new Uint8Array(0);
