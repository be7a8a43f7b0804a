/**
 * What the WebSocket fault tests (`test/faults-*.test.ts`) share: the
 * length-prefixed codec most of them speak, and sizes.
 */
import { lengthPrefixed } from '@sluice/codec';

/** `lengthPrefixed()` with its defaults (a 4-byte big-endian length). */
export const lp = lengthPrefixed();
export const KiB = 1024;
export const MiB = 1024 * KiB;
