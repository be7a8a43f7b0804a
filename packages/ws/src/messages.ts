import { type Codec, EncodeError } from '@sluice/codec';

/** No bytes held: shared. */
const NOTHING: never[] = Object.freeze([]) as never[];

/**
 * One frame per WebSocket message: each message's bytes are a frame, and each
 * frame written is a message. `json({ framing: messages() })` is one JSON value
 * per message (sent as text messages), which is what RxJS's `webSocket`
 * subject and most browser code speak. Over a byte stream (TCP) there are no
 * messages: use `lines()` or `lengthPrefixed()` there. An empty message is
 * an empty frame, and an empty frame is sent as an empty message.
 *
 * @example
 * ```ts
 * const io = conn.framed(json<Event>({ framing: messages() }));
 * await io.write({ type: 'hello' }); // one text message: {"type":"hello"}
 * for await (const event of io) handle(event);
 * ```
 */
export function messages(): Codec<Uint8Array> {
  return {
    name: 'messages',
    // The connection hands each message over as one chunk, an empty message as an empty chunk; nothing is held
    // between calls.
    decoder: () => ({
      decode(chunk, frames) {
        frames.push(chunk);
      },
      end() {},
      remaining: () => NOTHING,
    }),
    encoder: () => ({
      encode(frame) {
        if (frame instanceof Uint8Array) return frame;
        throw new EncodeError('messages: frames must be Uint8Array (use json({ framing: messages() }) for values)');
      },
    }),
  };
}
