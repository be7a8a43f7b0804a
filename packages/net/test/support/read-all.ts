/** Reading what a connection (or any iterable of chunks) delivered. */
import { concatBytes } from '../../../../test-support/chunking.js';

/** Reads an async iterable of chunks to the end. */
export async function readAll(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return concatBytes(chunks);
}
