import { describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/free-port.js';
import type { Exit } from './support/child.js';
import { expectExit, listenWs, sluice } from './support/sluice-cli.js';

const TIMEOUT = 30_000;

describe('sluice connect ws:// failures', () => {
  it('a refused connection is one line and exit 1', { timeout: TIMEOUT }, async () => {
    const port = await freePort();
    const exit = await sluice(['connect', `ws://127.0.0.1:${port}/`]).exited;
    expectExit(exit, 1);
    expect(exit.stderr).toBe(`sluice: connection refused by 127.0.0.1:${port}: is a server listening there?\n`);
  });

  it('a path the listener does not take is one line and exit 1', { timeout: TIMEOUT }, async () => {
    const { run: server, url } = await listenWs(['--path', '/chat']);
    const exit = await sluice(['connect', url.replace(/\/chat$/, '/other')]).exited;
    expectExit(exit, 1);
    expect(exit.stderr).toBe(
      'sluice: the server answered HTTP 404 instead of accepting the WebSocket (is the path right?)\n',
    );
    server.process.kill('SIGTERM');
    expectExit(await server.exited, 0);
  });

  it('bad URLs and flags that do not apply are one line and exit 2', { timeout: TIMEOUT }, async () => {
    const refused: [string[], RegExp][] = [
      [['connect', 'ws://127.0.0.1:99999/'], /^sluice: "ws:\/\/127\.0\.0\.1:99999\/" is not a valid URL/],
      [['connect', 'ws://'], /^sluice: "ws:\/\/" is not a valid URL/],
      [['connect', 'http://127.0.0.1:9000/'], /^sluice: .*a ws:\/\/ or wss:\/\/ URL for WebSocket \(not http:\/\/\)$/],
      [['connect', 'ws://127.0.0.1:0/'], /^sluice: the port in "ws:\/\/127\.0\.0\.1:0\/" must be from 1 to 65535$/],
      [['connect', 'ws://127.0.0.1:9000/', '--tls'], /^sluice: --tls does not apply to a WebSocket URL/],
      [['connect', 'ws://127.0.0.1:9000/', '--ca', 'ca.crt'], /^sluice: --ca only applies to wss:\/\/ URLs$/],
      [['connect', 'wss://127.0.0.1:9000/', '--ca', 'missing/ca.crt'], /^sluice: cannot read --ca "missing\/ca\.crt"/],
      [['connect', '127.0.0.1:9000', '--codec', 'messages'], /^sluice: --codec messages only applies to WebSocket/],
      [
        ['connect', '127.0.0.1:9000', '--linger', '5'],
        /^sluice: --linger only applies to ws:\/\/ and wss:\/\/ URLs, and with --udp$/,
      ],
      [['listen', '--port', '0', '--path', '/chat'], /^sluice: --path only applies with --ws$/],
      [['listen', '--port', '0', '--ws', '--path', 'chat'], /^sluice: --path must be a URL path such as \/chat/],
      [['connect', 'ws://127.0.0.1:9000/', '--path', '/x'], /^sluice: --path is a listen option/],
    ];
    const exits: Exit[] = [];
    for (let i = 0; i < refused.length; i += 4) {
      // A few processes at a time, for machines with few cores.
      exits.push(...(await Promise.all(refused.slice(i, i + 4).map(([args]) => sluice(args).exited))));
    }
    exits.forEach((exit, i) => {
      const [args, message] = refused[i] as [string[], RegExp];
      expectExit(exit, 2);
      expect(exit.stderr.trimEnd(), args.join(' ')).toMatch(message);
      expect(exit.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    });
  });
});
