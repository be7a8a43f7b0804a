/**
 * What a bounded buffer fed by an Observable does with a value that finds it
 * full. An Observable pushes and cannot be told to wait, so unlike a core
 * `channel` there is no `'wait'`: something has to give.
 *
 * - `'error'`: nothing is dropped silently. The buffered values are still
 *   delivered, then the consumer gets an `OverflowError` (code
 *   `ERR_OVERFLOW`) and the source is unsubscribed.
 * - `'drop-newest'`: the buffer keeps the oldest values; the new value is
 *   discarded.
 * - `'drop-oldest'`: the buffer keeps the newest values; the oldest buffered
 *   value is discarded to make room for the new one.
 *
 * @example
 * ```ts
 * const policy: PushOverflowPolicy = 'drop-oldest'; // keep the freshest readings
 * for await (const reading of toAsyncIterable(sensor$, { overflow: policy })) show(reading);
 * ```
 */
export type PushOverflowPolicy = 'error' | 'drop-oldest' | 'drop-newest';
