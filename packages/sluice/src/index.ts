/**
 * Sluice: network sockets as async iterables and RxJS observables, with
 * framing codecs in between. This package re-exports `@sluice/core`,
 * `@sluice/codec`, `@sluice/connection` and `@sluice/net`, `@sluice/ws` as the
 * namespace `ws`, and ships the `sluice` CLI. The RxJS side, `@sluice/rx`, is
 * at `sluice/rx`, so that nothing here loads `rxjs` (an optional peer). In a
 * browser, bundlers pick `sluice`'s `browser` build: the same without
 * `@sluice/net`.
 *
 * @example A line-echo server, a client, and a pipeline
 * ```ts
 * import { connect, listen, lines } from 'sluice';
 *
 * await using listener = await listen({ host: '127.0.0.1', port: 0 });
 * void listener.serve(async (conn) => {
 *   const io = conn.framed(lines());
 *   for await (const line of io) await io.write(line.toUpperCase());
 * });
 *
 * await using conn = await connect(listener.address);
 * const io = conn.framed(lines());
 * await io.write('hello');
 * await io.closeWrite();
 * for await (const line of io) console.log(line); // HELLO
 * ```
 *
 * @module sluice
 */

export * from '@sluice/codec';
export * from '@sluice/connection';
export * from '@sluice/core';
export * from '@sluice/net';
/** `@sluice/ws` as a namespace (its `connect` and `listen` are WebSocket's): `ws.connect(url)`, `ws.messages()`. */
export * as ws from '@sluice/ws';
