/**
 * `sluice/rx`: `@sluice/rx` re-exported, the RxJS side of Sluice (`observe`,
 * `toAsyncIterable`, `decodeWith`, `encodeWith`, `socket$`, `listen$`,
 * `startListening`, `webSocket$`). It loads `rxjs`, an optional peer dependency of `sluice`:
 * install it to use this entry; `import … from 'sluice'` never loads it. In a
 * browser, bundlers resolve `@sluice/rx` to its `browser` build, which has
 * everything but `socket$` and `listen$`.
 *
 * @example An echo server and a client, observables only
 * ```ts
 * import { lines } from 'sluice';
 * import { socket$, startListening } from 'sluice/rx';
 * import { lastValueFrom, toArray } from 'rxjs';
 *
 * const server = await startListening({ host: '127.0.0.1', port: 0, codec: lines() }, (sock) => sock.subscribe(sock));
 * const client = socket$({ ...server.address, codec: lines() });
 * const replies = lastValueFrom(client.pipe(toArray()));
 * client.next('hello');
 * client.complete();
 * console.log(await replies); // ['hello']
 * server.unsubscribe();
 * ```
 *
 * @module sluice/rx
 */

export * from '@sluice/rx';
