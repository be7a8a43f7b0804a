/**
 * A method an async iterator may offer beside `next()`: the next result at
 * once when it is already at hand (a frame decoded from bytes already
 * received), or `undefined` when `next()` would have to wait. A consumer that
 * can use values synchronously, such as an Observable, then emits a whole
 * chunk's frames in one go instead of paying a promise per frame; values it
 * does not take stay with the iterator. `Symbol.for`, so duplicate installs
 * agree. Sluice's framed readers offer it; `observe()` uses it.
 *
 * @example
 * ```ts
 * const iterator = framed[Symbol.asyncIterator]();
 * const result = (iterator as Partial<TakeNow<Frame>>)[takeNow]?.() ?? (await iterator.next());
 * ```
 */
export const takeNow: unique symbol = Symbol.for('sluice.takeNow');

/** An iterator offering {@link takeNow}. */
export interface TakeNow<T> {
  /** The next value if one is ready now, the end if the iterator is done, `undefined` if `next()` would wait. */
  [takeNow](): IteratorResult<T, undefined> | undefined;
}
