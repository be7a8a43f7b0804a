import { type Codec, FrameTooLongError, json, lengthPrefixed, lines } from '@sluice/codec';
import { decodeWith, encodeWith } from '@sluice/rx';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

const utf8 = (text: string) => new TextEncoder().encode(text);
const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('encodeWith', () => {
  it('emits the bytes of each frame at the time the frame arrives', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a--b-|', { a: 'hello', b: 'world' });
      expectObservable(source.pipe(encodeWith(lines()))).toBe('-x--y-|', { x: utf8('hello\n'), y: utf8('world\n') });
    });
  });

  it('errors with the codec error on a frame it refuses, emitting nothing of it, and unsubscribes', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c-|', { a: Uint8Array.of(1), b: new Uint8Array(300), c: Uint8Array.of(2) });
      expectObservable(source.pipe(encodeWith(lengthPrefixed({ width: 1 })))).toBe(
        '-x-#',
        { x: Uint8Array.of(1, 1) },
        new FrameTooLongError(300, 255),
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('round-trips with decodeWith: decoding what it encodes gives the frames back', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const messages = { a: { id: 1 }, b: ['x', null], c: 'text' };
      const source = cold('-a-b-c-|', messages);
      expectObservable(source.pipe(encodeWith(json()), decodeWith(json()))).toBe('-a-b-c-|', messages);
    });
  });

  it('gives each subscription its own encoder, so stateful encoders work', () => {
    // Prefixes each frame with a per-stream sequence number.
    const numbered: Codec<never, string> = {
      decoder: () => ({ decode() {}, end() {} }),
      encoder() {
        let seq = 0;
        return { encode: (frame) => utf8(`${seq++}:${frame}`) };
      },
    };
    scheduler().run(({ cold, expectObservable }) => {
      const encoded = cold('-a-b|', { a: 'x', b: 'y' }).pipe(encodeWith(numbered));
      expectObservable(encoded).toBe('-x-y|', { x: utf8('0:x'), y: utf8('1:y') });
      expectObservable(encoded).toBe('-x-y|', { x: utf8('0:x'), y: utf8('1:y') });
    });
  });

  it('throws ERR_INVALID_ARG at once for something that is not a codec', () => {
    for (const codec of [undefined, null, 5, {}, lines]) {
      expect(() => encodeWith(codec as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    }
  });
});
