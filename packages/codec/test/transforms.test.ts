import { decode, decodeByChunk, encode, json, lengthPrefixed, lines } from '@sluice/codec';
import { describe, expect, it } from 'vitest';

const utf8 = new TextEncoder();
const chunks = () => [utf8.encode('a\nb'), utf8.encode(''), utf8.encode('\nc\nd')];

/** An async source that records whether it was closed early. */
function tracked<T>(items: T[], failAt = -1) {
  const state = { closed: false, pulled: 0 };
  const source = (async function* () {
    try {
      for (const item of items) {
        if (state.pulled++ === failAt) throw new Error('source failed');
        yield item;
      }
    } finally {
      state.closed = true;
    }
  })();
  return { source, state };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('decode', () => {
  it('yields the frames of sync and async sources alike, including the final frame from end()', async () => {
    expect(await collect(decode(lines())(chunks()))).toEqual(['a', 'b', 'c', 'd']);
    expect(await collect(decode(lines())(tracked(chunks()).source))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('closes the source when the consumer leaves early', async () => {
    const { source, state } = tracked(chunks());
    for await (const line of decode(lines())(source)) if (line === 'b') break;
    expect(state.closed).toBe(true);
  });

  it('closes the source and rejects with the coded error when decoding fails', async () => {
    const { source, state } = tracked([utf8.encode('ok\n'), utf8.encode('much too long\n'), utf8.encode('x\n')]);
    const seen: string[] = [];
    await expect(async () => {
      for await (const line of decode(lines({ maxFrameLength: 4 }))(source)) seen.push(line);
    }).rejects.toMatchObject({ code: 'ERR_FRAME_TOO_LONG' });
    expect(seen).toEqual(['ok']);
    expect(state.closed).toBe(true);
  });

  it('rejects with ERR_TRUNCATED_FRAME when the source ends inside a frame', async () => {
    await expect(collect(decode(lengthPrefixed())([Uint8Array.of(0, 0, 0, 9, 1)]))).rejects.toMatchObject({
      code: 'ERR_TRUNCATED_FRAME',
    });
  });

  it('passes a source error through unchanged', async () => {
    const { source } = tracked(chunks(), 1);
    await expect(collect(decode(lines())(source))).rejects.toThrow('source failed');
  });

  it('serves concurrent next() calls in order, then reports done', async () => {
    const iterator = decode(lines())(tracked(chunks()).source);
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => iterator.next()));
    expect(results.map((r) => r.value)).toEqual(['a', 'b', 'c', 'd', undefined, undefined]);
    expect(results.map((r) => r.done)).toEqual([false, false, false, false, true, true]);
  });

  it('does not open the source when returned before the first next()', async () => {
    let opened = false;
    const source = {
      [Symbol.asyncIterator]() {
        opened = true;
        return { next: async () => ({ done: true as const, value: undefined }) };
      },
    };
    const iterator = decode(lines())(source);
    expect(await iterator.return!()).toEqual({ done: true, value: undefined });
    expect(opened).toBe(false);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});

describe('decodeByChunk', () => {
  it('yields one array per chunk that completes frames, skipping the others', async () => {
    expect(await collect(decodeByChunk(lines())(chunks()))).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('closes the source when the consumer leaves early', async () => {
    const { source, state } = tracked(chunks());
    for await (const batch of decodeByChunk(lines())(source)) if (batch.length > 0) break;
    expect(state.closed).toBe(true);
  });
});

describe('encode', () => {
  it('yields the bytes of each frame, which decode back to the frames', async () => {
    const values = [{ id: 1 }, [true], 'x'];
    const bytes = await collect(encode(json())(values));
    expect(bytes.map((b) => new TextDecoder().decode(b))).toEqual(['{"id":1}\n', '[true]\n', '"x"\n']);
    expect(await collect(decode(json())(bytes))).toEqual(values);
  });

  it('closes the source and rejects with the coded error when a frame cannot be encoded', async () => {
    const { source, state } = tracked([Uint8Array.of(1), new Uint8Array(300), Uint8Array.of(2)]);
    await expect(collect(encode(lengthPrefixed({ width: 1 }))(source))).rejects.toMatchObject({
      code: 'ERR_FRAME_TOO_LONG',
    });
    expect(state.closed).toBe(true);
  });
});
