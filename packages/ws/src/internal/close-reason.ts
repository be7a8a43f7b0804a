import { encodeUtf8 } from '@sluice/codec';
import { checkOption } from '@sluice/core';

/** The longest close reason a close frame carries, in UTF-8 bytes (RFC 6455 §5.5: 125 bytes of payload). */
const MAX_REASON_BYTES = 123;

/**
 * A WebSocket's rules for `close(code, reason)`: 1000 (normal) or an
 * application code from 3000 to 4999, and at most 123 bytes of reason.
 * Both WebSocket transports (`ws`'s and the browser's) answer
 * `Transport.closeReason` with it.
 *
 * @internal
 */
export function checkCloseReason(
  code: number | undefined,
  reason: string | undefined,
): { readonly code: number; readonly reason: string } {
  if (code !== 1000) checkOption('close(): code', code ?? 1000, { integer: [3000, 4999] });
  const text = reason ?? '';
  const bytes = encodeUtf8(text).byteLength;
  if (bytes > MAX_REASON_BYTES) checkOption('close(): reason bytes', bytes, { integer: [0, MAX_REASON_BYTES] });
  return { code: code ?? 1000, reason: text };
}
