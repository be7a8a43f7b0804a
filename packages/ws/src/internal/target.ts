import type { ConnectionOptions } from '@sluice/connection';
import { checkConnectionOptions } from '@sluice/connection/transport';
import { checkOption, InvalidArgumentError, OutOfRangeError } from '@sluice/core';

/** The port of an absolute URL's authority (after any user info and the host, an IPv6 one in brackets). */
const PORT = /^[a-z][a-z\d+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]/?#]*\]|[^/?#:[\]]*):(\d+)(?:[/?#]|$)/i;

/** What every `connect()` checks: the URL (http(s) meaning ws(s), as the platform's WebSocket reads it) and the common options. */
export function checkTarget(
  url: unknown,
  options: ConnectionOptions & { signal?: unknown; timeout?: unknown; protocols?: unknown },
  base?: string,
): { target: URL; port: number; protocol: 'ws' | 'wss' } {
  checkOption('connect(): url', hrefOf(url), 'string', { required: true });
  checkOption('connect(): options', options, 'object');
  checkConnectionOptions('connect()', options);
  checkOption('connect(): timeout', options.timeout, 'timeout');
  checkOption('connect(): signal', options.signal, 'signal');
  checkProtocols(options.protocols);
  let target: URL;
  try {
    target = new URL(url as string | URL, base);
  } catch {
    const port = PORT.exec(String(url))?.[1];
    if (port !== undefined && Number(port) > 65535) {
      throw new OutOfRangeError(
        `connect(): url port must be from 0 to 65535, got ${port} in ${JSON.stringify(String(url))}`,
      );
    }
    throw new InvalidArgumentError(
      `connect(): url must be a ws:, wss:, http: or https: URL, got ${JSON.stringify(String(url))}`,
    );
  }
  if (target.protocol === 'http:' || target.protocol === 'https:') {
    target.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:';
  }
  checkOption('connect(): url', target.protocol, { oneOf: ['ws:', 'wss:'] });
  // A fragment (even an empty one) has no meaning in a WebSocket URL; the platform refuses it with a SyntaxError.
  if (target.href.includes('#')) {
    throw new InvalidArgumentError(`connect(): url must not have a fragment (#…), got ${JSON.stringify(String(url))}`);
  }
  const secure = target.protocol === 'wss:';
  return { target, port: Number(target.port) || (secure ? 443 : 80), protocol: secure ? 'wss' : 'ws' };
}

/** A subprotocol name: an HTTP token (RFC 7230), as `Sec-WebSocket-Protocol` carries it. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `protocols`: a token or an array of distinct tokens (the platform would throw a bare SyntaxError). */
function checkProtocols(protocols: unknown): void {
  if (protocols === undefined) return;
  const list: unknown[] = Array.isArray(protocols) ? protocols : [protocols];
  const seen = new Set<string>();
  list.forEach((protocol, i) => {
    const label = Array.isArray(protocols) ? `connect(): protocols[${i}]` : 'connect(): protocols';
    checkOption(label, protocol, 'string', { required: true });
    const name = protocol as string;
    if (!TOKEN.test(name)) {
      throw new InvalidArgumentError(
        `${label} must be a token (letters, digits and !#$%&'*+-.^_\`|~; no spaces or commas), got ${JSON.stringify(name)}`,
      );
    }
    if (seen.has(name))
      throw new InvalidArgumentError(`${label} must not repeat a protocol, got ${JSON.stringify(name)} twice`);
    seen.add(name);
  });
}

/** A URL's (or URL-like object's) `href`; any other value as it is, for the message that refuses it. */
function hrefOf(url: unknown): unknown {
  const href = typeof url === 'object' && url !== null ? (url as { href?: unknown }).href : undefined;
  return typeof href === 'string' ? href : url;
}
