/**
 * `connect()` (Node's and the browser's) refuses what the WebSocket
 * constructor would reject with a bare `SyntaxError`, and what is no URL at
 * all, with `ERR_INVALID_ARG` and a message naming the value: subprotocols
 * that are no tokens, repeated or not strings, a URL with a fragment, a
 * number for a URL. A port past 65535 is `ERR_OUT_OF_RANGE`, said so. Nothing
 * is opened.
 */
import { connect } from '@sluice/ws';
import { describe, expect, it } from 'vitest';
import { connect as browserConnect } from '../src/connect-browser.js';

const URL_OK = 'ws://127.0.0.1:1/chat';

const cases: [string, unknown, Record<string, unknown>, RegExp][] = [
  [
    'a protocol with a space',
    URL_OK,
    { protocols: ['a b'] },
    /^connect\(\): protocols\[0\] must be a token .*got "a b"$/,
  ],
  ['a protocol given twice', URL_OK, { protocols: ['a', 'a'] }, /^connect\(\): protocols\[1\] must not repeat .*"a"/],
  ['a protocol that is no string', URL_OK, { protocols: [5] }, /^connect\(\): protocols\[0\] must be .*string, got 5$/],
  ['a protocol string with a comma', URL_OK, { protocols: 'a,b' }, /^connect\(\): protocols must be a token .*"a,b"$/],
  ['protocols that are no string or array', URL_OK, { protocols: 5 }, /^connect\(\): protocols must be .*got 5$/],
  ['a URL with a fragment', 'ws://127.0.0.1:1/chat#room', {}, /^connect\(\): url must not have a fragment.*#room"$/],
  ['a URL with an empty fragment', 'ws://127.0.0.1:1/chat#', {}, /^connect\(\): url must not have a fragment/],
  ['a number for the URL', 5, {}, /^connect\(\): url must be .*got 5$/],
  ['no URL', undefined, {}, /^connect\(\): url must be .*got undefined$/],
];

describe('connect() arguments', () => {
  for (const [name, url, options, message] of cases) {
    it(`refuses ${name} with ERR_INVALID_ARG`, async () => {
      for (const open of [connect, browserConnect]) {
        await expect(open(url as string, options)).rejects.toMatchObject({
          code: 'ERR_INVALID_ARG',
          name: 'InvalidArgumentError',
          message: expect.stringMatching(message),
        });
      }
    });
  }

  it('refuses a port past 65535 with ERR_OUT_OF_RANGE, naming the port', async () => {
    for (const url of ['ws://127.0.0.1:99999/', 'wss://user@host:65536', 'http://[::1]:70000/chat']) {
      for (const open of [connect, browserConnect]) {
        await expect(open(url), url).rejects.toMatchObject({
          code: 'ERR_OUT_OF_RANGE',
          message: expect.stringMatching(/^connect\(\): url port must be from 0 to 65535, got \d+ in "/),
        });
      }
    }
    await expect(connect('ws://127.0.0.1:99999/')).rejects.toThrow(
      'connect(): url port must be from 0 to 65535, got 99999 in "ws://127.0.0.1:99999/"',
    );
  });
});
