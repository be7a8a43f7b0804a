/**
 * `sluice/rx`: `@sluice/rx` re-exported, the RxJS side of Sluice (`observe`,
 * `toAsyncIterable`, `decodeWith`, `encodeWith`, `socket$`, `listen$`,
 * `webSocket$`). It loads `rxjs`, an optional peer dependency of `sluice`:
 * install it to use this entry; `import … from 'sluice'` never loads it. In a
 * browser, bundlers resolve `@sluice/rx` to its `browser` build, which has
 * everything but `socket$` and `listen$`.
 *
 * @example An echo server and a client, observables only
 * ```ts
 * import { lines } from 'sluice';
 * import { listen$, socket$ } from 'sluice/rx';
 * import { lastValueFrom, toArray } from 'rxjs';
 *
 * const server = listen$({ host: '127.0.0.1', port: 7000, codec: lines() }).subscribe((sock) => sock.subscribe(sock));
 * const client = socket$({ host: '127.0.0.1', port: 7000, codec: lines() });
 * const replies = lastValueFrom(client.pipe(toArray()));
 * client.next('hello');
 * client.complete();
 * console.log(await replies); // ['hello']
 * server.unsubscribe();
 * ```
 *
 * @module
 */

export * from '@sluice/rx';
