import { type Codec, FrameTooLongError, lengthPrefixed, lines, TruncatedFrameError } from '@sluice/codec';
import { decodeWith } from '@sluice/rx';
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

const utf8 = (text: string) => new TextEncoder().encode(text);
const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A 1-byte length prefix followed by the payload's bytes. */
const frame = (payload: string) => Uint8Array.of(payload.length, ...utf8(payload));

describe('decodeWith', () => {
  it('emits a frame when the chunk that completes it arrives, whatever the chunk boundaries', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const wire = new Uint8Array([...frame('hello'), ...frame('hi'), ...frame('yo')]);
      // 'hel' + 'lo'+'hi'+'y' + 'o': the second chunk completes two frames at once.
      const chunks = { a: wire.subarray(0, 4), b: wire.subarray(4, 11), c: wire.subarray(11) };
      const source = cold('-a--b----c-|', chunks);
      expectObservable(source.pipe(decodeWith(lengthPrefixed({ width: 1 })))).toBe('----(xy)-z-|', {
        x: utf8('hello'),
        y: utf8('hi'),
        z: utf8('yo'),
      });
    });
  });

  it('splits lines across chunks, including a CRLF whose CR and LF arrive apart', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c----|', { a: utf8('one\r'), b: utf8('\ntw'), c: utf8('o\nthree\n') });
      expectObservable(source.pipe(decodeWith(lines()))).toBe('---x-(yz)-|', { x: 'one', y: 'two', z: 'three' });
    });
  });

  it('errors with the codec error on bad input and unsubscribes from the source', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c-|', { a: utf8('ok\n'), b: utf8('much too long'), c: utf8('never\n') });
      expectObservable(source.pipe(decodeWith(lines({ maxFrameLength: 4 })))).toBe(
        '-x-#',
        { x: 'ok' },
        new FrameTooLongError(13, 4, 'Line'),
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('emits the frames a chunk completed before its error, then the error at once', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-|', { a: utf8('ok\nfine\nmuch too long\n'), b: utf8('never\n') });
      expectObservable(source.pipe(decodeWith(lines({ maxFrameLength: 4 })))).toBe(
        '-(xy#)',
        { x: 'ok', y: 'fine' },
        new FrameTooLongError(13, 4, 'Line'),
      );
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('refuses a decoder written to the returning contract with ERR_CODEC_CONTRACT, emitting none of its frames', () => {
    const old = {
      name: 'old',
      decoder: () => ({ decode: (chunk: Uint8Array) => [chunk], end: () => [] }),
      encoder: () => ({ encode: (frame: Uint8Array) => frame }),
    } as unknown as Codec<Uint8Array>;
    const seen: Uint8Array[] = [];
    let error: unknown;
    of(utf8('x'))
      .pipe(decodeWith(old))
      .subscribe({ next: (frame) => seen.push(frame), error: (e) => (error = e) });
    expect(error).toMatchObject({
      code: 'ERR_CODEC_CONTRACT',
      message: expect.stringMatching(/^old: the decoder returned an Array/),
    });
    expect(seen).toEqual([]);
  });

  it('calls end() on completion and emits its final frames before completing', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-|', { a: utf8('first\nsec'), b: utf8('ond') });
      expectObservable(source.pipe(decodeWith(lines()))).toBe('-x---(y|)', { x: 'first', y: 'second' });
    });
  });

  it('errors with ERR_TRUNCATED_FRAME when the source completes inside a frame', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b-|', { a: frame('abc'), b: Uint8Array.of(5, 104, 105) });
      expectObservable(source.pipe(decodeWith(lengthPrefixed({ width: 1 })))).toBe(
        '-x---#',
        { x: utf8('abc') },
        new TruncatedFrameError(3),
      );
    });
  });

  it('passes the source error through untouched', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const boom = new Error('socket reset');
      const source = cold('-a-#', { a: utf8('x\n') }, boom);
      expectObservable(source.pipe(decodeWith(lines()))).toBe('-x-#', { x: 'x' }, boom);
    });
  });

  it('gives each subscription its own decoder, also for a hand-written codec', () => {
    let decoders = 0;
    let ends = 0;
    // Frames are the bytes up to each '|', as strings; a custom codec, not a built-in.
    const pipes: Codec<string, never> = {
      decoder() {
        decoders++;
        let pending = '';
        return {
          decode(chunk, frames) {
            pending += new TextDecoder().decode(chunk);
            const parts = pending.split('|');
            pending = parts.pop() as string;
            frames.push(...parts);
          },
          end(frames) {
            ends++;
            if (pending !== '') frames.push(pending);
          },
        };
      },
      encoder: () => ({ encode: () => new Uint8Array(0) }),
    };
    scheduler().run(({ cold, expectObservable }) => {
      const decoded = cold('-a-b-|', { a: utf8('x|y'), b: utf8('z|w') }).pipe(decodeWith(pipes));
      expectObservable(decoded).toBe('-x-y-(w|)', { x: 'x', y: 'yz', w: 'w' });
      expectObservable(decoded).toBe('-x-y-(w|)', { x: 'x', y: 'yz', w: 'w' });
    });
    expect(decoders).toBe(2);
    expect(ends).toBe(2);
  });

  it('throws ERR_INVALID_ARG at once for something that is not a codec', () => {
    for (const codec of [undefined, null, 5, {}, lines]) {
      expect(() => decodeWith(codec as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    }
  });
});
