/**
 * `@sluice/core`: the async-iterable plumbing the rest of Sluice is built
 * on, with no dependencies and no Node-specific imports.
 *
 * - {@link pipe} composes a source with steps and an optional sink.
 * - Steps: {@link map} (optionally concurrent, order kept), {@link filter},
 *   {@link take}, {@link tap}, {@link batch}. Sources: {@link merge}.
 * - Sinks: {@link collect}, {@link drain}, {@link forEach}.
 * - {@link channel}: the bounded queue where push-based producers (sockets)
 *   meet a pull-based consumer, with backpressure and a named overflow policy.
 * - Coded errors: branch on `err.code` (`ERR_CLOSED`, `ERR_OVERFLOW`, …).
 *
 * Every step returns its source when it stops early or fails, and `break`
 * travels back through every step to the source, so the producer at the far
 * end (a socket) is released.
 *
 * @example A producer, a channel, and a pipeline
 * ```ts
 * import { batch, channel, collect, map, pipe } from '@sluice/core';
 *
 * const ch = channel<number>({ capacity: 4 });
 * const producer = (async () => {
 *   for (let i = 1; i <= 5; i++) await ch.push(i);
 *   ch.end();
 * })();
 *
 * const batches = await pipe(ch, map(async (n) => n * n, { concurrency: 2 }), batch({ size: 2 }), collect());
 * await producer;
 * console.log(batches); // [[1, 4], [9, 16], [25]]
 * ```
 *
 * @module @sluice/core
 */

export { type BatchOptions, batch } from './batch.js';
export { type Channel, type ChannelOptions, channel, type OverflowPolicy } from './channel.js';
export { checkOption, checkOptionKeys, type OptionKind } from './check-option.js';
export { closestName } from './closest-name.js';
export { collect } from './collect.js';
export { drain } from './drain.js';
export * from './errors.js';
export { filter } from './filter.js';
export { forEach } from './for-each.js';
export { type MapOptions, map } from './map.js';
export { merge } from './merge.js';
export { type PipeSource, pipe } from './pipe.js';
export { take } from './take.js';
export { type TakeNow, takeNow } from './take-now.js';
export { tap } from './tap.js';
export type { AbortOptions, Sink, Source, Step } from './types.js';
