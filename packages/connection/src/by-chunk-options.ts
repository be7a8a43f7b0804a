/**
 * Options of `framed.byChunk()`.
 *
 * @example Thousands of connections, each read a chunk of frames at a time
 * ```ts
 * for await (const frames of io.byChunk({ reuse: true })) for (const frame of frames) handle(frame);
 * ```
 */
export interface ByChunkOptions {
  /**
   * One array for the whole loop, emptied when the loop asks for the next
   * chunk's frames and refilled with them: copy what you keep past an
   * iteration (`[...frames]`). A handler waiting for its next chunk then
   * holds none of the last one's frames. Without it, each chunk's frames come
   * in a new array, which a suspended `async` function keeps alive until its
   * next iteration (V8 keeps the loop's variables), and with it every frame
   * and the chunk they are views of: with thousands of connections, that is
   * most of the server's memory and garbage-collection time.
   * @default false
   */
  reuse?: boolean | undefined;
}
