/**
 * `webSocket$()` names the `url` it was given when it is no string or URL,
 * rather than saying "got undefined".
 */
import { json } from '@sluice/codec';
import { webSocket$ } from '@sluice/rx';
import { messages } from '@sluice/ws';
import { describe, expect, it } from 'vitest';

describe('webSocket$() url', () => {
  it('refuses a url that is no string or URL with ERR_INVALID_ARG naming the value', () => {
    for (const [url, got] of [
      [5, 'got 5'],
      [{ href: 5 }, 'got an object'],
      [undefined, 'got undefined'],
    ] as const) {
      let error: unknown;
      try {
        webSocket$({ url: url as never, codec: json({ framing: messages() }) });
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARG' });
      expect((error as Error).message).toMatch(new RegExp(`^webSocket\\$\\(\\): url must be .*${got}$`));
    }
  });
});
