/**
 * Bytes in the page in Chromium (served beside support/browser-page.ts):
 * cut into chunks as a cutting says and joined (test-support/cut-bytes.ts,
 * which has no imports), shown as hex. No Node and no fast-check: it runs as
 * it would on a website.
 */
// Served to the page at /test-support/cut-bytes.js (see browser.test.ts).
export { concatBytes as concat, rechunk } from '../../../../test-support/cut-bytes.js';

/** The bytes as lowercase hex, two digits each. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
