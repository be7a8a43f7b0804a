/**
 * What the listener suites (`test/listener*.test.ts`) share: a handler that
 * echoes raw bytes, a client round trip through such a server (send,
 * half-close, read the whole answer), and the text of bytes.
 */
import { type Connection, connect } from '@sluice/net';
import { readAll } from './read-all.js';

/** The text of UTF-8 bytes. */
export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Echoes every chunk back until the peer ends. */
export async function echo(conn: Connection): Promise<void> {
  for await (const chunk of conn) await conn.write(chunk);
}

/** Sends `message`, half-closes, and returns everything the server answered. */
export async function roundTrip(options: Parameters<typeof connect>[0], message: string): Promise<string> {
  const conn = await connect(options);
  await conn.write(message);
  await conn.closeWrite();
  return text(await readAll(conn));
}
